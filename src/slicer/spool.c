/* spool: a checked folder of randomly named, locked files for Slicer. */
#include "slicer/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

#define SPOOL_MAX_SUFFIX 16
#define SPOOL_TRIES      4

struct spool {
    char  *path;
    int    dirfd;       /* the checked folder; every file is made relative to it */
    int    lockfd;      /* a private folder's lock while we live, or -1 */
    int    private_dir; /* ours alone: removed by spool_close */
    mode_t mode;
};

/* ---- checking the folder ---- */

/* Every folder above path must be root's or ours and not let others
 * rename what it holds; otherwise another user could swap the spool
 * folder for their own after the check, since Slicer opens by path. */
static int check_ancestors(const char *path, err *e)
{
    char prefix[PATH_MAX];
    for (const char *slash = path; (slash = strchr(slash + 1, '/')) != NULL;) {
        size_t n = (size_t)(slash - path);
        memcpy(prefix, path, n);
        prefix[n] = '\0';
        struct stat st;
        if (lstat(prefix, &st) != 0)
            return err_set(e, ERR_INVALID, "spool folder %s: %s: %s", path, prefix, strerror(errno));
        if (st.st_uid != 0 && st.st_uid != geteuid())
            return err_set(e, ERR_INVALID, "spool folder %s: %s belongs to uid %ld, neither root "
                           "nor the gateway's user", path, prefix, (long)st.st_uid);
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
            return err_set(e, ERR_INVALID, "spool folder %s: %s is writable by others without "
                           "the sticky bit", path, prefix);
    }
    struct stat root;
    if (stat("/", &root) == 0 && (root.st_mode & (S_IWGRP | S_IWOTH)))
        return err_set(e, ERR_INVALID, "spool folder %s: / is writable by others", path);
    return 0;
}

/* Opens path as the spool folder if it passes every check; -1 with e. */
static int open_checked(const char *path, err *e)
{
    if (path[0] != '/')
        return err_set(e, ERR_INVALID, "spool folder %s: must be an absolute path "
                       "(Slicer resolves it from its own working folder)", path);
    if (strlen(path) >= SPOOL_MAX_PATH - SPOOL_MAX_SUFFIX - 64)
        return err_set(e, ERR_INVALID, "spool folder %.64s...: path too long", path);
    char real[PATH_MAX];
    if (!realpath(path, real))
        return err_set(e, ERR_INVALID, "spool folder %s: %s", path, strerror(errno));
    if (strcmp(real, path) != 0)
        return err_set(e, ERR_INVALID, "spool folder %s: is or goes through a symbolic link, or "
                       "is not in canonical form (it resolves to %s); name the folder itself",
                       path, real);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_INVALID, "spool folder %s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc != 0)
        err_set(e, ERR_INVALID, "spool folder %s: %s", path, strerror(errno));
    else if (st.st_uid != geteuid())
        rc = err_set(e, ERR_INVALID, "spool folder %s: belongs to uid %ld, not to the gateway's "
                     "user (uid %ld)", path, (long)st.st_uid, (long)geteuid());
    else if (st.st_mode & S_IWOTH)
        rc = err_set(e, ERR_INVALID, "spool folder %s: is writable by others (chmod o-w)", path);
    else if (st.st_mode & S_IWGRP && !(st.st_mode & S_ISVTX))
        rc = err_set(e, ERR_INVALID, "spool folder %s: is group-writable without the sticky "
                     "bit (chmod +t, or g-w)", path);
    if (rc == 0)
        rc = check_ancestors(path, e);
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- leftovers of dead gateways ---- */

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* A name spool_write makes: prefix, random hex, '.' and a suffix. */
static int spool_name(const char *name)
{
    size_t p = sizeof SPOOL_PREFIX - 1;
    return strncmp(name, SPOOL_PREFIX, p) == 0 && strlen(name) > p + SPOOL_RANDOM_HEX &&
           is_hex(name + p, SPOOL_RANDOM_HEX) && name[p + SPOOL_RANDOM_HEX] == '.';
}

/* Opens name in dirfd and takes its lock if it is one of our files whose
 * writer is gone: a regular file of our user, not locked.  fd or -1. */
static int take_leftover(int dirfd, const char *name, int flags)
{
    int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A directory stream over fd, which it takes over (closed on failure). */
static DIR *dir_of(int fd)
{
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d && fd >= 0)
        close(fd);
    return d;
}

/* Removes the unlocked spool files in dirfd; how many. */
static int sweep_files(int dirfd)
{
    DIR *d = dir_of(dup(dirfd));
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!spool_name(de->d_name))
            continue;
        int fd = take_leftover(dirfd, de->d_name, O_RDONLY);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            unlinkat(dirfd, de->d_name, 0) == 0)
            n++;
        if (fd >= 0)
            close(fd);
    }
    closedir(d);
    return n;
}

/* The private folders of gateways that died (kill -9 skips spool_close):
 * ours by name and owner, and no live gateway holds their lock. */
static int sweep_private(const char *base, const char *stem)
{
    DIR *d = dir_of(open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d)
        return 0;
    int basefd = dirfd(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, stem, strlen(stem)) != 0 || strlen(de->d_name) != strlen(stem) + 6)
            continue;
        int fd = take_leftover(basefd, de->d_name, O_RDONLY | O_DIRECTORY);
        if (fd < 0)
            continue;
        n += sweep_files(fd);
        unlinkat(basefd, de->d_name, AT_REMOVEDIR);
        close(fd);
    }
    closedir(d);
    return n;
}

/* A new 0700 folder under $TMPDIR, locked for as long as we live. */
static char *make_private(int *fd_out, err *e)
{
    const char *base = getenv("TMPDIR");
    base = base && *base ? base : "/tmp";
    char stem[64], path[PATH_MAX];
    /* Not the "slicer-mcp-UID-" of gateways before the lock existed:
     * their live folders hold no lock and must not look dead. */
    snprintf(stem, sizeof stem, "slicer-mcp-spool-%ld-", (long)geteuid());
    int swept = sweep_private(base, stem);
    if (swept > 0)
        log_msg(LOG_NOTICE, "spool: removed %d file(s) left by a gateway that died", swept);
    for (int i = 0; i < SPOOL_TRIES; i++) {
        if (snprintf(path, sizeof path, "%s/%sXXXXXX", base, stem) >= (int)sizeof path ||
            !mkdtemp(path))
            break;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        /* Another gateway's sweep may have taken it between mkdtemp and
         * the lock: then it is gone (no links) and we make another. */
        if (fd >= 0 && flock(fd, LOCK_SH) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0) {
            char *p = strdup(path);
            if (p) {
                *fd_out = fd;
                return p;
            }
        }
        if (fd >= 0)
            close(fd);
        rmdir(path);
    }
    err_set(e, ERR_INTERNAL, "cannot create a spool folder in %s: %s", base, strerror(errno));
    return NULL;
}

spool *spool_open(const spool_opts *o, err *e)
{
    spool *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    s->dirfd = s->lockfd = -1;
    s->mode = o->group_read ? 0640 : 0600;
    s->private_dir = o->dir == NULL;
    s->path = o->dir ? strdup(o->dir) : make_private(&s->lockfd, e);
    if (!s->path) {
        if (o->dir)
            err_set(e, ERR_INTERNAL, "out of memory");
        free(s);
        return NULL;
    }
    /* "/srv/spool/" is "/srv/spool": the guard compares the prefix. */
    for (size_t n = strlen(s->path); n > 1 && s->path[n - 1] == '/'; n--)
        s->path[n - 1] = '\0';
    if ((s->dirfd = open_checked(s->path, e)) < 0) {
        spool_close(s);
        return NULL;
    }
    if (!s->private_dir) {
        int swept = sweep_files(s->dirfd);
        if (swept > 0)
            log_msg(LOG_NOTICE, "spool %s: removed %d file(s) left by a gateway that died",
                    s->path, swept);
    }
    return s;
}

const char *spool_path(const spool *s)
{
    return s ? s->path : NULL;
}

/* ---- files ---- */

static int valid_suffix(const char *suffix)
{
    size_t n = strlen(suffix);
    if (n < 2 || n > SPOOL_MAX_SUFFIX || suffix[0] != '.')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((suffix[i] >= 'a' && suffix[i] <= 'z') || (suffix[i] >= '0' && suffix[i] <= '9') ||
              suffix[i] == '.'))
            return 0;
    return 1;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Creates a fresh, locked, empty file; fd or -1 (errno set). */
static int create_locked(spool *s, const char *suffix, char *name, size_t namesz)
{
    for (int i = 0; i < SPOOL_TRIES; i++) {
        unsigned char rnd[SPOOL_RANDOM_HEX / 2];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            return -1;
        int n = snprintf(name, namesz, "%s", SPOOL_PREFIX);
        for (size_t k = 0; k < sizeof rnd; k++)
            n += snprintf(name + n, namesz - (size_t)n, "%02x", rnd[k]);
        snprintf(name + n, namesz - (size_t)n, "%s", suffix);
        int fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        s->mode);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return -1;
        struct stat st;
        /* A starting gateway's sweep may have taken the file between
         * openat and flock: it is unlinked then, so make another. */
        if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0 &&
            fchmod(fd, s->mode) == 0)   /* exact, whatever the umask */
            return fd;
        int saved = errno;
        close(fd);
        errno = saved;
    }
    errno = EEXIST;
    return -1;
}

int spool_write(spool *s, const char *suffix, const void *data, size_t len,
                spool_file *f, err *e)
{
    f->fd = -1;
    f->path[0] = '\0';
    if (!s || !valid_suffix(suffix))
        return err_set(e, ERR_INTERNAL, "spool: no folder, or a bad suffix");
    char name[sizeof SPOOL_PREFIX + SPOOL_RANDOM_HEX + SPOOL_MAX_SUFFIX + 1];
    int fd = create_locked(s, suffix, name, sizeof name);
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "spool %s: cannot create a file: %s", s->path,
                       strerror(errno));
    if (write_all(fd, data, len) != 0) {
        int saved = errno;
        unlinkat(s->dirfd, name, 0);
        close(fd);
        return err_set(e, ERR_INTERNAL, "spool %s: write: %s", s->path, strerror(saved));
    }
    snprintf(f->path, sizeof f->path, "%s/%s", s->path, name);
    f->fd = fd;
    return 0;
}

void spool_remove(spool *s, spool_file *f)
{
    if (!s || !f || f->fd < 0)
        return;
    unlinkat(s->dirfd, strrchr(f->path, '/') + 1, 0);
    close(f->fd);
    f->fd = -1;
}

void spool_close(spool *s)
{
    if (!s)
        return;
    if (s->private_dir) {
        if (s->dirfd >= 0)
            sweep_files(s->dirfd);
        rmdir(s->path);
    }
    if (s->dirfd >= 0)
        close(s->dirfd);
    if (s->lockfd >= 0)
        close(s->lockfd);
    free(s->path);
    free(s);
}
