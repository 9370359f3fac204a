/* ownfile: the checks every private file of the gateway gets at open. */
#include "util/ownfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ownfile_open(const char *path, int flags, err *e)
{
    /* O_NONBLOCK: opening a FIFO must not wait for its other end; the
     * file is refused below anyway, and on a regular file it changes
     * nothing. */
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0) {
        if (errno == ELOOP)
            return err_set(e, ERR_INVALID, "is a symbolic link; refusing to follow it");
        return err_set(e, ERR_INVALID, "%s", strerror(errno));
    }
    struct stat st;
    unsigned mode = 0;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "is not a regular file";
    else if (st.st_uid != geteuid())
        why = "belongs to another user";
    else if ((mode = st.st_mode & 07777) != 0600 && !((flags & O_ACCMODE) == O_RDONLY && mode == 0400))
        why = "";
    if (why) {
        close(fd);
        if (!*why)
            return err_set(e, ERR_INVALID, "has mode %04o; it must be 0600 (chmod 600 %s)", mode, path);
        return err_set(e, ERR_INVALID, "%s", why);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}
