/* labelstat: one region's measurements (see labelstat.h). */
#include "slicer/labelstat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void labelstat_voxel(labelstat *s, long i, long j, long k)
{
    long idx[3] = { i, j, k };
    for (int a = 0; a < 3; a++) {
        s->sum[a] += (double)idx[a];
        s->lo[a] = s->count && s->lo[a] < idx[a] ? s->lo[a] : idx[a];
        s->hi[a] = s->count && s->hi[a] > idx[a] ? s->hi[a] : idx[a];
    }
    s->count++;
}

void labelstat_value(labelstat *s, double v)
{
    s->vmin = s->nval && s->vmin < v ? s->vmin : v;
    s->vmax = s->nval && s->vmax > v ? s->vmax : v;
    s->nval++;
    double d = v - s->mean;
    s->mean += d / (double)s->nval;
    s->m2 += d * (v - s->mean);
}


void labelstat_json(const labelstat *s, const voxgrid *g, int with_std, cJSON *o)
{
    cJSON_AddNumberToObject(o, "voxel_count", (double)s->count);
    double mm3 = (double)s->count * g->voxel_mm3;
    cJSON_AddNumberToObject(o, "volume_mm3", mm3);
    cJSON_AddNumberToObject(o, "volume_ml", mm3 / 1000);
    if (s->count == 0)
        return;
    double mean_ijk[3], c[3], b[6];
    for (int a = 0; a < 3; a++)
        mean_ijk[a] = s->sum[a] / (double)s->count;
    voxgrid_to_ras(g, mean_ijk, c);
    cJSON_AddItemToObject(o, "centroid_ras", cJSON_CreateDoubleArray(c, 3));
    voxgrid_ras_bounds(g, s->lo, s->hi, b);
    cJSON_AddItemToObject(o, "bbox_ras", cJSON_CreateDoubleArray(b, 6));
    if (s->nval == 0)
        return;
    cJSON *in = cJSON_AddObjectToObject(o, "intensity");
    cJSON_AddNumberToObject(in, "min", s->vmin);
    cJSON_AddNumberToObject(in, "max", s->vmax);
    cJSON_AddNumberToObject(in, "mean", s->mean);
    if (with_std)
        cJSON_AddNumberToObject(in, "std", sqrt(s->m2 / (double)s->nval));
}
