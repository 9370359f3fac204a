/* test_sim_nodeprops: the stand-in's port of Slicer's nodeProperties()
 * (SlicerRequestHandler.py, Slicer 5.6 to main).  Every expected text
 * below was worked out by hand from the Python (str.split, lstrip, the
 * keys/indentLevels stacks, stringToData's regexes, int()/float(), dict
 * order and json.dumps), not taken from the port's output. */

/* A unity build like test_sim_image: unit tests do not link slicer-sim. */
#include "../slicer-sim/sim_buf.c"
#include "../slicer-sim/sim_pyjson.c"
#include "../slicer-sim/sim_nodeprops.c"

#include "testlib.h"

/* json.dumps(nodeProperties(text)) */
static char *props(const char *text)
{
    cJSON *o = sim_nodeprops_parse(text, strlen(text));
    if (!o)
        return NULL;
    char *s = pyj_dumps(o);
    cJSON_Delete(o);
    return s;
}

static void expect(const char *text, const char *want)
{
    char *got = props(text);
    T_CHECK(got && strcmp(got, want) == 0, "\n got: %s\nwant: %s", got ? got : "(null)", want);
    free(got);
}

static void test_values(void)
{
    expect("vtkMRMLScalarVolumeNode (0x5581)\n"
           "  ID: vtkMRMLScalarVolumeNode1\n"
           "  Name: 7\n"
           "  Debug: false\n"
           "  Description: (none)\n"
           "  Label: 7-2\n"
           "  Spacing: (1, 1, 1.3)\n"
           "  Dims: (256, 256, 130)\n",
           "{\"ID\": \"vtkMRMLScalarVolumeNode1\", \"Name\": 7, \"Debug\": false, "
           "\"Spacing\": [1.0, 1.0, 1.3], \"Dims\": [256, 256, 130]}");
    /* on/off/true/false in any case; (none) in any case drops the key */
    expect("x (0x1)\n  A: TRUE\n  B: Off\n  C: oN\n  D: False\n  E: (NONE)\n  F: none\n",
           "{\"A\": true, \"B\": false, \"C\": true, \"D\": false, \"F\": \"none\"}");
    /* a colon inside a value: split at the first one only */
    expect("x (0x1)\n  Time: 12:30:00\n  URL: http://h/p\n  Ratio: 1:2\n",
           "{\"Time\": \"12:30:00\", \"URL\": \"http://h/p\", \"Ratio\": \"1:2\"}");
    /* key: lstrip only; value: lstrip only */
    expect("x (0x1)\n  Key : v\n  Str:   spaced  \n",
           "{\"Key \": \"v\", \"Str\": \"spaced  \"}");
}

static void test_numbers(void)
{
    /* int() keeps every digit, drops leading zeros and the sign of 0 */
    expect("x (0x1)\n  Big: 123456789012345678901234567890\n  Neg0: -0\n  Lead: 007\n"
           "  NegLead: -0042\n  F0: -0.0\n  F1: 1.30\n  F2: .5\n  F3: 2.\n",
           "{\"Big\": 123456789012345678901234567890, \"Neg0\": 0, \"Lead\": 7, "
           "\"NegLead\": -42, \"F0\": -0.0, \"F1\": 1.3, \"F2\": 0.5, \"F3\": 2.0}");
    /* float(".") and int("-") raise; an exponent or hex is no number */
    expect("x (0x1)\n  Dot: .\n  Minus: -\n  Sci: 1e-05\n  Hex: 0x1f\n  Two: 1.2.3\n  Ok: 1\n",
           "{\"Sci\": \"1e-05\", \"Hex\": \"0x1f\", \"Ok\": 1}");
    /* bare lists: more than one piece; "1 " is one piece, and then the
     * single-number pattern fails on the space: a string */
    expect("x (0x1)\n  L: 1 2 3\n  C: 0, 255\n  T: 1 \n  LF: 1, 2.5\n  One: 3\n",
           "{\"L\": [1, 2, 3], \"C\": [0, 255], \"T\": \"1 \", \"LF\": [1.0, 2.5], \"One\": 3}");
    /* " , " splits twice: int("") raises; "7-2 " is one piece and a string */
    expect("x (0x1)\n  V: 1 , 2\n  W: ,1\n  S: 7-2 \n",
           "{\"S\": \"7-2 \"}");
    /* bracket forms are anchored at the start only; "." is looked for in
     * the whole value; padding spaces inside are stripped */
    expect("x (0x1)\n  P: (1, 2) mm.\n  Q: [1,  2.5]\n  R: ( 1 1 0 )\n  E: ()\n  M: x(1, 2)\n",
           "{\"P\": [1.0, 2.0], \"Q\": [1.0, 2.5], \"R\": [1, 1, 0], \"E\": \"()\", \"M\": \"x(1, 2)\"}");
    /* VTK's vtkMatrix4x4-less orientation rows: ",  " separators */
    expect("x (0x1)\n  Orientation: [-1,  0,  0,  0,  -1,  0,  0,  0,  1]\n",
           "{\"Orientation\": [-1, 0, 0, 0, -1, 0, 0, 0, 1]}");
}

static void test_int_limit(void)
{
    /* int() of more than 4300 digits raises (max_str_digits); 4300 pass;
     * float() of a huge literal is inf, which json.dumps writes Infinity */
    size_t n = 4301;
    char *t = malloc(n + 64), *w = malloc(n + 64);
    T_ASSERT(t && w, "oom");
    strcpy(t, "x (0x1)\n  Huge: ");
    size_t p = strlen(t);
    memset(t + p, '1', n);
    strcpy(t + p + n, "\n  Ok: 1\n");
    expect(t, "{\"Ok\": 1}");
    strcpy(t, "x (0x1)\n  Max: ");
    p = strlen(t);
    memset(t + p, '9', 4300);
    strcpy(t + p + 4300, "\n");
    strcpy(w, "{\"Max\": ");
    p = strlen(w);
    memset(w + p, '9', 4300);
    strcpy(w + p + 4300, "}");
    expect(t, w);
    strcpy(t, "x (0x1)\n  Inf: ");
    p = strlen(t);
    memset(t + p, '9', 400);
    strcpy(t + p + 400, ".0\n");
    expect(t, "{\"Inf\": Infinity}");
    free(t);
    free(w);
}

static void test_matrix(void)
{
    /* vtkMatrix4x4::PrintSelf: rows are indent + "\t" + values, one
     * character deeper than "Elements:", with no colon: they only name
     * groups that never get a key, so Elements stays "" */
    expect("vtkMRMLSliceNode (0x1)\n"
           "  SliceToRAS:\n"
           "    Debug: Off\n"
           "    Modified Time: 170\n"
           "    Reference Count: 1\n"
           "    Registered Events: (none)\n"
           "    Elements:\n"
           "    \t-1\t0\t0\t0\n"
           "    \t0\t1\t0\t0\n"
           "    \t0\t0\t1\t-10.7143\n"
           "    \t0\t0\t0\t1\n"
           "  Next: on\n",
           "{\"SliceToRAS\": {\"Debug\": false, \"Modified Time\": 170, \"Reference Count\": 1, "
           "\"Elements\": \"\"}, \"Next\": true}");
    /* a volume's IJKToRASDirections: rows two spaces deeper, no colon */
    expect("v (0x1)\n  IJKToRASDirections:\n    -1 0 0\n    0 -1 0\n    0 0 1\n  After: 1\n",
           "{\"IJKToRASDirections\": \"\", \"After\": 1}");
}

static void test_nesting(void)
{
    /* back more than one level at once, to a level on the stack */
    expect("r (0x1)\n  A:\n    B:\n      C: 1\n  D: 2\n",
           "{\"A\": {\"B\": {\"C\": 1}}, \"D\": 2}");
    /* a colon-less line names the group of the deeper lines */
    expect("r (0x1)\n  Array 0 name = X\n    Inner: 1\n  Out: 2\n",
           "{\"Array 0 name = X\": {\"Inner\": 1}, \"Out\": 2}");
    /* a key set twice keeps its first place and takes the last value; a
     * value that becomes a group keeps its place, and so does a group
     * that becomes a value again */
    expect("r (0x1)\n  X: 1\n  Y: 2\n  X: 3\n  Y:\n    Z: on\n  W: (1,2)\n",
           "{\"X\": 3, \"Y\": {\"Z\": true}, \"W\": [1, 2]}");
    expect("r (0x1)\n  G:\n    H: 1\n  K: 2\n  G: 5\n",
           "{\"G\": 5, \"K\": 2}");
    /* the line that raised still named the group, and the walk made it */
    expect("r (0x1)\n  Label: 7-2\n    Sub: 1\n",
           "{\"Label\": {\"Sub\": 1}}");
    /* a dropped (none) still creates the groups on its path */
    expect("r (0x1)\n  G:\n    H: (none)\n",
           "{\"G\": {}}");
    /* indent below 2 counts as 2; indent-0 lines are skipped anywhere;
     * blank lines too; a tab is one character of indent */
    expect("r (0x1)\n Odd: 1\n\tTab: 2\n   \nZero: 3\n  Two: 4\n",
           "{\"Odd\": 1, \"Tab\": 2, \"Two\": 4}");
    /* Python's whitespace includes U+00A0 (2 bytes, one character) */
    expect("r (0x1)\n  Nb:\xc2\xa0x\n\xc2\xa0\xc2\xa0Nb2: 1\n",
           "{\"Nb\": \"x\", \"Nb2\": 1}");
    /* a first line deeper than 2 opens a group named "" */
    expect("r (0x1)\n    Deep: 1\n",
           "{\"\": {\"Deep\": 1}}");
}

static void test_underflow(void)
{
    /* indent 4 was never on the stack [0, 2, 6]: the pops empty keys and
     * raise; then indentLevels empties and indexing it raises; the state
     * stays as mutated, so a line at the old depth 6 lands at the top */
    expect("r (0x1)\n"
           "  A:\n"
           "      B: 1\n"
           "    C: 2\n"
           "    D: 3\n"
           "  E: 4\n"
           "      F: 5\n"
           "        G: 6\n",
           "{\"A\": {\"B\": 1}, \"F\": {\"G\": 6}}");
}

static void test_markups(void)
{
    /* vtkMRMLMarkupsNode::PrintSelf: points two levels down, measurements
     * four levels below "Measurements:"; a numeric label is a number */
    expect("vtkMRMLMarkupsLineNode (0x1)\n"
           "  NumberOfControlPoints: 1\n"
           "  ControlPoints:\n"
           "    ControlPoint[0]:\n"
           "      ID: 1\n"
           "      Label: 42\n"
           "      Description: \n"
           "      Position: [25, 10.5, 20]\n"
           "  Measurements:\n"
           "      length: 9.912mm\n",
           "{\"NumberOfControlPoints\": 1, \"ControlPoints\": {\"ControlPoint[0]\": "
           "{\"ID\": 1, \"Label\": 42, \"Description\": \"\", \"Position\": [25.0, 10.5, 20.0]}}, "
           "\"Measurements\": {\"length\": \"9.912mm\"}}");
}

int main(void)
{
    t_run("sim_nodeprops values", test_values);
    t_run("sim_nodeprops numbers", test_numbers);
    t_run("sim_nodeprops int_limit", test_int_limit);
    t_run("sim_nodeprops matrix", test_matrix);
    t_run("sim_nodeprops nesting", test_nesting);
    t_run("sim_nodeprops underflow", test_underflow);
    t_run("sim_nodeprops markups", test_markups);
    return t_done();
}
