/* schema_regex: JSON Schema patterns turned into POSIX EREs that glibc's
 * regcomp can compile in bounded time and memory. */
#include "catalog/schema_regex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON Schema patterns are ECMA-262; regcomp speaks POSIX ERE.  They agree
 * on the common core; this maps the escapes tool schemas use (\d \w \s, the
 * negations outside [...], \n \t \r, escaped punctuation) and refuses the
 * rest, rather than let glibc silently read "\d" as "d".  Returns a new
 * string (caller frees) or NULL with *why set (or NULL: out of memory). */
static char *re_translate(const char *in, const char **why)
{
    size_t n = strlen(in), o = 0, first = 0;
    char *out = malloc(n * 8 + 1);   /* "\W" -> "[^A-Za-z0-9_]" is the most */
    int inbr = 0;
    *why = NULL;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char ch = in[i];
        if (ch != '\\') {
            out[o++] = ch;
            if (!inbr && ch == '[') {
                inbr = 1;
                if (in[i + 1] == '^')
                    out[o++] = in[++i];
                if (in[i + 1] == ']')
                    out[o++] = in[++i];
                first = o;
            } else if (inbr && ch == '[' && in[i + 1]
                       && strchr(":.=", in[i + 1])) {
                const char *close = strstr(in + i + 2, (char[]){in[i + 1], ']', 0});
                if (!close)
                    break;   /* regcomp reports it */
                for (i++; in + i < close + 2; i++)
                    out[o++] = in[i];
                i--;
            } else if (inbr && ch == ']') {
                inbr = 0;
            }
            continue;
        }
        char e = in[++i];
        const char *rep = NULL;
        switch (e) {
        case 'd': rep = inbr ? "0-9" : "[0-9]"; break;
        case 'w': rep = inbr ? "A-Za-z0-9_" : "[A-Za-z0-9_]"; break;
        case 's': rep = inbr ? "[:space:]" : "[[:space:]]"; break;
        case 'D': rep = inbr ? NULL : "[^0-9]"; break;
        case 'W': rep = inbr ? NULL : "[^A-Za-z0-9_]"; break;
        case 'S': rep = inbr ? NULL : "[^[:space:]]"; break;
        case 'n': rep = "\n"; break;
        case 't': rep = "\t"; break;
        case 'r': rep = "\r"; break;
        default: break;
        }
        if (rep) {
            o += strlen(strcpy(out + o, rep));
        } else if (e == '\0') {
            *why = "ends with a lone backslash";
        } else if (isalnum((unsigned char)e)) {
            *why = inbr && strchr("DWS", e)
                 ? "\\D, \\W and \\S are not supported inside [...]"
                 : "uses an escape POSIX regular expressions lack"
                   " (supported: \\d \\w \\s \\D \\W \\S \\n \\t \\r"
                   " and escaped punctuation)";
        } else if (inbr) {
            if (e == ']' || e == '-' || (e == '^' && o == first))
                *why = "escapes ], - or ^ inside [...]; in POSIX put ]"
                       " first, - last and ^ not first, unescaped";
            out[o++] = e;
        } else {
            if (strchr(".[]\\()*+?{}|^$", e))
                out[o++] = '\\';
            out[o++] = e;
        }
        if (*why) {
            free(out);
            return NULL;
        }
    }
    out[o] = '\0';
    return out;
}

/* glibc's regcomp copies a repeated subexpression once per repetition
 * ("x{3}" is three copies, "x+" two) before it builds its automaton, so
 * stacked or nested repetitions such as "a++++++++++++++++++++++++++++++"
 * or "((a{100}){100}){100}" take memory exponential in the pattern length
 * (found by tests/fuzz/fuzz_tools_doc: gigabytes from a 700-byte file).
 * This estimates the copied size of an ERE and refuses past
 * SCHEMA_MAX_RE_NODES (returning RE_TOO_BIG).  Stacked quantifiers
 * ("a*+", "a?*") are refused outright (RE_STACKED): POSIX leaves them
 * undefined, and glibc's epsilon closure over them is exponential even
 * when the copied size is small ("a*+++*++" ran for minutes, found by
 * tests/fuzz/fuzz_schema_compile).  So is a quantifier on a group that can
 * match the empty string ("(a?)*", RE_NESTED): its epsilon loops are what
 * glibc's closure computation explodes on; "(/[a-z]+)+" stays fine.  It
 * walks the translated ERE: an
 * escape or a bracket expression is one atom, a group's size is its
 * content's. */
#define SCHEMA_MAX_RE_NODES 20000
enum { RE_OK, RE_TOO_BIG, RE_STACKED, RE_NESTED };
static int re_too_big(const char *ere)
{
    enum { MAXN = SCHEMA_MAX_RE_NODES + 1, MAXD = 64 };
    unsigned long sum[MAXD + 1] = { 0 }, last[MAXD + 1] = { 0 };
    int d = 0, prev_quant = 0;
    /* Nullability, to refuse repeating a group that can match nothing:
     * before[d], the atoms of the current alternative before the last all
     * can match empty; lastn[d], so can the last atom; altn[d], some
     * finished alternative of group d can; closed_null, the group that
     * just closed can match empty. */
    int before[MAXD + 1] = { 1 }, lastn[MAXD + 1] = { 1 }, altn[MAXD + 1] = { 0 };
    int closed_null = 0;
    for (const char *p = ere; *p; p++) {
        unsigned long f = 0;    /* repetition factor, 0 = not a quantifier */
        int quant = 0, atom = 0, closing = 0, makes_null = 0;
        if (*p == '\\' && p[1]) {
            p++;
            sum[d] += 1, last[d] = 1;
            atom = 1;
        } else if (*p == '[') {
            const char *q = p + 1;
            if (*q == '^')
                q++;
            if (*q == ']')
                q++;
            while (*q && *q != ']') {
                if (*q == '[' && q[1] && strchr(":.=", q[1])) {
                    const char *close = strstr(q + 2, (char[]){ q[1], ']', 0 });
                    q = close ? close + 2 : q + strlen(q);
                } else {
                    q++;
                }
            }
            p = *q ? q : q - 1;
            sum[d] += 1, last[d] = 1;
            atom = 1;
        } else if (*p == '(') {
            if (d == MAXD)
                return RE_TOO_BIG;
            before[d] = before[d] && lastn[d];
            d++;
            sum[d] = last[d] = 0;
            before[d] = lastn[d] = 1, altn[d] = 0;
        } else if (*p == ')' && d > 0) {
            int g = altn[d] || (before[d] && lastn[d]);
            d--;
            sum[d] += sum[d + 1], last[d] = sum[d + 1];
            lastn[d] = g;
            closing = g;
        } else if (*p == '|') {
            altn[d] |= before[d] && lastn[d];
            before[d] = lastn[d] = 1;
        } else if (*p == '+') {
            f = 2, quant = 1;
        } else if (*p == '*' || *p == '?') {
            f = 1, quant = 1, makes_null = 1;
        } else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
            unsigned long m = 0, n = 0;
            const char *q = p + 1;
            for (; *q >= '0' && *q <= '9'; q++)
                m = m < MAXN ? m * 10 + (unsigned long)(*q - '0') : MAXN;
            n = m;
            if (*q == ',') {
                n = m + 1;
                if (q[1] >= '0' && q[1] <= '9')
                    for (n = 0, q++; *q >= '0' && *q <= '9'; q++)
                        n = n < MAXN ? n * 10 + (unsigned long)(*q - '0') : MAXN;
                else
                    q++;
            }
            if (*q == '}') {
                f = (m > n ? m : n) ? (m > n ? m : n) : 1;
                quant = 1, makes_null = m == 0;
                p = q;
            } else {
                sum[d] += 1, last[d] = 1;
                atom = 1;
            }
        } else if (*p != '^' && *p != '$') {
            sum[d] += 1, last[d] = 1;
            atom = 1;
        }
        if (atom) {
            before[d] = before[d] && lastn[d];
            lastn[d] = 0;
        }
        if (quant && prev_quant)
            return RE_STACKED;
        if (quant && closed_null)
            return RE_NESTED;
        if (makes_null)
            lastn[d] = 1;
        prev_quant = quant;
        closed_null = closing;
        if (f > 1) {
            unsigned long grown = last[d] * f;   /* both <= MAXN: no overflow */
            sum[d] += grown - last[d];
            last[d] = grown > MAXN ? MAXN : grown;
        }
        if (sum[d] > MAXN)
            sum[d] = MAXN;
        if (sum[d] >= MAXN)
            return RE_TOO_BIG;
    }
    return RE_OK;
}

char *schema_regex_prepare(const char *pattern, char *why, size_t why_len)
{
    const char *terr = NULL;
    char *ere = re_translate(pattern, &terr);
    if (!ere) {
        if (terr)
            snprintf(why, why_len, "unsupported regular expression: %s", terr);
        else
            snprintf(why, why_len, "out of memory");
        return NULL;
    }
    int risk = re_too_big(ere);
    if (risk == RE_OK)
        return ere;
    free(ere);
    if (risk == RE_STACKED)
        snprintf(why, why_len, "stacked repetition operators (such as \"a*+\") are "
                 "undefined in POSIX regular expressions; write one");
    else if (risk == RE_NESTED)
        snprintf(why, why_len, "a repeated group that can match nothing (such as \"(a?)*\" "
                 "or \"(a|)+\") is refused: glibc compiles it in exponential time; make the "
                 "group match at least one character");
    else
        snprintf(why, why_len, "regular expression too complex: its repetitions expand to "
                 "more than %d elements", SCHEMA_MAX_RE_NODES);
    return NULL;
}
