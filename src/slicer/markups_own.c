/* markups_own: the created markups nodes and remove_markups. */
#include "slicer/markups_own.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/props.h"

#define OWN_MAX_ID   127
#define OWN_MAX_FILE 95

typedef struct {
    char id[OWN_MAX_ID + 1];        /* "" = free */
    char file[OWN_MAX_FILE + 1];    /* the spool file's name, in spool_path() */
    unsigned long seq;              /* order of creation: the smallest goes first */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry own[MARKUPS_OWN_MAX];
static unsigned long next_seq = 1;

void markups_own_add(const char *id, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *file = slash ? slash + 1 : path;
    if (strlen(id) > OWN_MAX_ID || strlen(file) > OWN_MAX_FILE)
        return;                     /* never true of Slicer's ids and spool names */
    pthread_mutex_lock(&lock);
    size_t slot = 0;
    for (size_t i = 0; i < MARKUPS_OWN_MAX; i++) {
        if (!own[i].id[0] || strcmp(own[i].id, id) == 0) {
            slot = i;
            break;
        }
        if (own[i].seq < own[slot].seq)
            slot = i;
    }
    snprintf(own[slot].id, sizeof own[slot].id, "%s", id);
    snprintf(own[slot].file, sizeof own[slot].file, "%s", file);
    own[slot].seq = next_seq++;
    pthread_mutex_unlock(&lock);
}

/* The spool file name remembered for id into file; 0 when id is ours. */
static int own_find(const char *id, char file[OWN_MAX_FILE + 1])
{
    int found = -1;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < MARKUPS_OWN_MAX && found != 0; i++)
        if (own[i].id[0] && strcmp(own[i].id, id) == 0) {
            memcpy(file, own[i].file, OWN_MAX_FILE + 1);
            found = 0;
        }
    pthread_mutex_unlock(&lock);
    return found;
}

static void own_forget(const char *id)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < MARKUPS_OWN_MAX; i++)
        if (strcmp(own[i].id, id) == 0)
            own[i].id[0] = '\0';
    pthread_mutex_unlock(&lock);
}

/* GET /slicer/mrml/properties?id=id, the node's own object in *node
 * (inside *all, which the caller frees).  -1 with e. */
static int node_props(call_ctx *c, const char *id, cJSON **all, const cJSON **node, err *e)
{
    buf t;
    buf_init(&t, 512);
    buf_puts(&t, "/slicer/mrml/properties");
    call_query_add(&t, "id", id);
    int rc = call_slicer_json(c, "GET", t.data, all, e);
    buf_free(&t);
    *node = rc == 0 ? cJSON_GetObjectItemCaseSensitive(*all, id) : NULL;
    return rc;
}

/* Whether the node's storage file is still spool file `file`: 1 yes, 0
 * no (why says what Slicer showed), -1 with e when Slicer failed. */
static int still_ours(call_ctx *c, const char *id, const char *file, char *why, size_t wlen,
                      err *e)
{
    cJSON *all = NULL, *sall = NULL;
    const cJSON *node, *snode;
    if (node_props(c, id, &all, &node, e) != 0)
        return -1;
    const char *cls = props_string(node, "ClassName");
    const char *sid = props_string(node, "StorageNodeIDs[0]");
    int ours = 0;
    if (!cls || strncmp(cls, "vtkMRMLMarkups", 14) != 0) {
        snprintf(why, wlen, "it is a %.100s now, not a markups node", cls ? cls : "node of no class");
    } else if (!sid) {
        snprintf(why, wlen, "it has no storage node, so it was not loaded from the gateway's file");
    } else if (node_props(c, sid, &sall, &snode, e) != 0) {
        cJSON_Delete(all);
        return -1;
    } else {
        const char *fn = props_string(snode, "FileName");
        char want[SPOOL_MAX_PATH + OWN_MAX_FILE + 2];
        snprintf(want, sizeof want, "%s/%s", spool_path(c->spool) ? spool_path(c->spool) : "",
                 file);
        ours = fn && strcmp(fn, want) == 0;
        if (!ours)
            snprintf(why, wlen, "its storage file is no longer the gateway's spool file (the "
                     "node was saved elsewhere, or Slicer reused the id after the scene was "
                     "closed)");
    }
    cJSON_Delete(sall);
    cJSON_Delete(all);
    return ours;
}

int adapter_markups_remove(call_ctx *c, err *e)
{
    char *id = call_arg_string(c->args, "node_id");
    char file[OWN_MAX_FILE + 1], msg[900], why[300];
    err ce = { 0 };
    int rc;
    if (!id)
        return call_fail(c, "node_id is required");
    if (own_find(id, file) != 0) {
        snprintf(msg, sizeof msg, "Refused: '%.200s' was not created by this gateway. "
                 "remove_markups removes only markups that place_markups created in this "
                 "gateway process (the last %d); nothing was sent to Slicer.", id,
                 MARKUPS_OWN_MAX);
        rc = call_fail(c, msg);
        goto out;
    }
    int ours = still_ours(c, id, file, why, sizeof why, &ce);
    if (ours < 0 && ce.kind == ERR_NOT_FOUND) {
        own_forget(id);
        snprintf(msg, sizeof msg, "No node has id '%.200s' any more: it was already removed "
                 "from Slicer's scene.", id);
        rc = call_fail(c, msg);
        goto out;
    }
    if (ours < 0) {
        rc = ce.kind == ERR_INTERNAL ? err_set(e, ERR_INTERNAL, "%s", ce.msg) : call_fail(c, ce.msg);
        goto out;
    }
    if (!ours) {
        own_forget(id);
        snprintf(msg, sizeof msg, "Refused: node '%.200s' is not the markups node this gateway "
                 "created: %s. Nothing was removed.", id, why);
        rc = call_fail(c, msg);
        goto out;
    }
    buf t;
    buf_init(&t, 512);
    buf_puts(&t, "/slicer/mrml");
    call_query_add(&t, "id", id);
    backend_resp r;
    rc = call_slicer(c, "DELETE", t.data, NULL, 0, &r, &ce);
    buf_free(&t);
    if (rc != 0) {
        rc = call_fail(c, ce.msg);
        goto out;
    }
    backend_resp_free(&r);
    own_forget(id);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "removed", id);
    rc = call_set_structured(c, res);
out:
    free(id);
    return rc;
}
