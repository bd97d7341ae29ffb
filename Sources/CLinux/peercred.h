// Credentials of the process at the other end of a Unix socket (SO_PEERCRED), for the service's admission check
// (issue 15). glibc declares struct ucred only under _GNU_SOURCE, which the module cannot set before
// <sys/socket.h> is first included: the kernel's layout (pid, uid, gid) is spelt out here instead.
#ifndef SWIFTGATE_CLINUX_PEERCRED_H
#define SWIFTGATE_CLINUX_PEERCRED_H
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>

/// 0 and the peer's pid, uid and gid, or -errno.
static inline int CLinux_peer_credentials(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    struct { pid_t pid; uid_t uid; gid_t gid; } cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return -errno;
    *pid = cred.pid;
    *uid = cred.uid;
    *gid = cred.gid;
    return 0;
}
#endif
