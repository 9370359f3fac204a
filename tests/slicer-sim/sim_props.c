/* sim_props: PrintSelf text, then Slicer's text-to-JSON step. */
#include "sim_props.h"
#include "sim_buf.h"
#include "sim_nodeprops.h"
#include "sim_printself.h"

cJSON *sim_props_node(const sim_scene *sc, const sim_node *n)
{
    sim_buf b = { 0 };
    sim_printself(&b, sc, n);
    cJSON *o = b.failed || !b.p ? NULL : sim_nodeprops_parse((const char *)b.p, b.n);
    sim_buf_free(&b);
    return o;
}
