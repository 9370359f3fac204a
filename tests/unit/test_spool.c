/* Unit tests of the spool: which folders it refuses, how files are named,
 * created and locked, and which leftovers a starting gateway removes. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slicer/spool.h"
#include "testlib.h"

/* spool_open's verdict on dir: NULL when accepted (and closed), else the
 * error text (static). */
static const char *refusal(const char *dir)
{
    static err e;
    memset(&e, 0, sizeof e);
    spool_opts o = { .dir = dir };
    spool *s = spool_open(&o, &e);
    spool_close(s);
    return s ? NULL : e.msg;
}

static void test_refused_folders(void)
{
    const char *why;
    why = refusal("relative/spool");
    T_CHECK(why && strstr(why, "absolute"), "relative: %s", why ? why : "accepted");
    char link[600];
    snprintf(link, sizeof link, "%s/link", t_tmpdir());
    symlink(t_dir("target", 0700), link);
    why = refusal(link);
    T_CHECK(why && strstr(why, "symbolic link"), "symlink: %s", why ? why : "accepted");
    why = refusal(t_dir("world", 0777));
    T_CHECK(why && strstr(why, "writable by others"), "0777: %s", why ? why : "accepted");
    why = refusal(t_dir("worldsticky", 01777));
    T_CHECK(why && strstr(why, "writable by others"), "1777: %s", why ? why : "accepted");
    why = refusal(t_dir("group", 0770));
    T_CHECK(why && strstr(why, "sticky"), "0770: %s", why ? why : "accepted");
    T_CHECK(refusal(t_dir("groupsticky", 01770)) == NULL, "1770 accepted");
    T_CHECK(refusal(t_dir("private", 0700)) == NULL, "0700 accepted");
    T_CHECK(refusal(t_dir("shared", 02750)) == NULL, "2750 accepted");
    /* not ours: the tests run as root in CI, so give it away */
    const char *other = t_dir("other", 0700);
    if (geteuid() == 0 && chown(other, 65534, 65534) == 0) {
        why = refusal(other);
        T_CHECK(why && strstr(why, "not to the gateway's user"), "other owner: %s",
                why ? why : "accepted");
    }
    /* a folder below one that others may write to could be swapped */
    t_dir("open", 0777);
    why = refusal(t_dir("open/inner", 0700));
    T_CHECK(why && strstr(why, "without the sticky bit"), "open parent: %s", why ? why : "accepted");
    chmod(t_dir("open", 0777), 0700);
}

static int matches_name(const char *path, const char *dir, const char *suffix)
{
    size_t d = strlen(dir), p = strlen(SPOOL_PREFIX);
    const char *name = path + d + 1;
    if (strncmp(path, dir, d) != 0 || path[d] != '/' || strncmp(name, SPOOL_PREFIX, p) != 0)
        return 0;
    for (int i = 0; i < SPOOL_RANDOM_HEX; i++)
        if (!strchr("0123456789abcdef", name[p + i]))
            return 0;
    return strcmp(name + p + SPOOL_RANDOM_HEX, suffix) == 0;
}

static void test_files(void)
{
    const char *dir = t_dir("files", 0700);
    err e = { 0 };
    mode_t old = umask(077);   /* the mode must not depend on the umask */
    for (int group = 0; group <= 1; group++) {
        spool_opts o = { .dir = dir, .group_read = group };
        spool *s = spool_open(&o, &e);
        T_ASSERT(s, "open: %s", e.msg);
        spool_file a, b;
        T_ASSERT(spool_write(s, ".mrk.json", "{}", 2, &a, &e) == 0, "write: %s", e.msg);
        T_ASSERT(spool_write(s, ".mrk.json", "[]", 2, &b, &e) == 0, "write: %s", e.msg);
        T_CHECK(matches_name(a.path, dir, ".mrk.json") && matches_name(b.path, dir, ".mrk.json"),
                "random names: %s", a.path);
        T_CHECK(strcmp(a.path, b.path) != 0, "two names");
        struct stat st;
        T_CHECK(stat(a.path, &st) == 0 && (st.st_mode & 0777) == (group ? 0640u : 0600u),
                "mode %o", (unsigned)(st.st_mode & 0777));
        size_t len = 0;
        char *text = t_read_file(b.path, &len);
        T_CHECK(text && len == 2 && memcmp(text, "[]", 2) == 0, "content");
        free(text);
        /* While it lives, the file is locked: no one may take it for a leftover. */
        int fd = open(a.path, O_RDONLY);
        T_CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0, "locked while in use");
        if (fd >= 0)
            close(fd);
        spool_remove(s, &a);
        spool_remove(s, &b);
        T_CHECK(access(a.path, F_OK) != 0 && access(b.path, F_OK) != 0, "removed");
        T_CHECK(spool_write(s, "/../x", "x", 1, &a, &e) != 0, "a suffix cannot leave the folder");
        spool_close(s);
    }
    umask(old);
}

static void test_leftovers(void)
{
    const char *d = t_dir("left", 0700);
    char dir[512], dead[700], live[700], foreign[700];
    snprintf(dir, sizeof dir, "%s", d);
    snprintf(dead, sizeof dead, "%s/" SPOOL_PREFIX "0123456789abcdef0123456789abcdef.mrk.json", dir);
    snprintf(live, sizeof live, "%s/" SPOOL_PREFIX "fedcba9876543210fedcba9876543210.nrrd", dir);
    snprintf(foreign, sizeof foreign, "%s/notes.mrk.json", dir);
    t_write_file(dead, "x", 1);
    t_write_file(live, "x", 1);
    t_write_file(foreign, "x", 1);
    int lock = open(live, O_RDONLY);   /* a live gateway holds its file's lock */
    T_ASSERT(lock >= 0 && flock(lock, LOCK_EX) == 0, "lock");
    err e = { 0 };
    spool_opts o = { .dir = dir };
    spool *s = spool_open(&o, &e);
    T_ASSERT(s, "open: %s", e.msg);
    T_CHECK(access(dead, F_OK) != 0, "a dead gateway's file is removed");
    T_CHECK(access(live, F_OK) == 0, "a live gateway's file is kept");
    T_CHECK(access(foreign, F_OK) == 0, "a file that is not ours is kept");
    spool_close(s);
    close(lock);
}

static void test_private_folder(void)
{
    char base[600];
    snprintf(base, sizeof base, "%s/tmp", t_tmpdir());
    mkdir(base, 0700);
    setenv("TMPDIR", base, 1);
    err e = { 0 };
    spool_opts o = { 0 };
    spool *s = spool_open(&o, &e);
    T_ASSERT(s, "private: %s", e.msg);
    char path[600];
    snprintf(path, sizeof path, "%s", spool_path(s));
    struct stat st;
    T_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700, "0700 private folder");
    /* A second gateway must not take a live one's folder for a dead one's. */
    spool *s2 = spool_open(&o, &e);
    T_CHECK(s2 && access(path, F_OK) == 0, "the first folder stays while its gateway lives");
    spool_file f;
    T_CHECK(spool_write(s, ".mrk.json", "{}", 2, &f, &e) == 0, "write");
    /* kill -9: the folder and its file stay, with no lock; simulated by
     * closing the descriptors behind spool_close's back is not possible,
     * so a dead gateway's folder is made by hand. */
    spool_remove(s, &f);
    spool_close(s);
    T_CHECK(access(path, F_OK) != 0, "removed at close");
    char dead[700], file[800];
    snprintf(dead, sizeof dead, "%s/slicer-mcp-spool-%ld-AbC123", base, (long)geteuid());
    mkdir(dead, 0700);
    snprintf(file, sizeof file, "%s/" SPOOL_PREFIX "0123456789abcdef0123456789abcdef.mrk.json", dead);
    t_write_file(file, "PHI", 3);
    spool *s3 = spool_open(&o, &e);
    T_CHECK(s3 && access(file, F_OK) != 0 && access(dead, F_OK) != 0,
            "a dead gateway's private folder is removed with its file");
    spool_close(s3);
    spool_close(s2);
    unsetenv("TMPDIR");
}

int main(void)
{
    t_run("spool_refused_folders", test_refused_folders);
    t_run("spool_files", test_files);
    t_run("spool_leftovers", test_leftovers);
    t_run("spool_private_folder", test_private_folder);
    return t_done();
}
