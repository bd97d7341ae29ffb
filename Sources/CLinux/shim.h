// Linux kernel interfaces whose macros Swift cannot import (TUNSETIFF is an _IOW macro; ifr_name a member macro).
#ifndef SWIFTGATE_CLINUX_SHIM_H
#define SWIFTGATE_CLINUX_SHIM_H
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <errno.h>

static inline unsigned long CLinux_TUNSETIFF(void) { return TUNSETIFF; }

/// Opens a tun device on an already-open /dev/net/tun descriptor. `name` may be empty (the kernel picks);
/// on success the kernel's name is copied back into `nameOut` (IFNAMSIZ bytes).
static inline int CLinux_tun_attach(int fd, const char *name, char *nameOut) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (name && name[0]) strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) return -errno;
    strncpy(nameOut, ifr.ifr_name, IFNAMSIZ);
    return 0;
}

/// As CLinux_tun_attach, with IFF_VNET_HDR: every packet read or written carries a 10-byte virtio_net_hdr in
/// front, and the kernel may hand over TCP super-packets once TUNSETOFFLOAD allows them (issue 12, item 3).
static inline int CLinux_tun_attach_vnet(int fd, const char *name, char *nameOut) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
    if (name && name[0]) strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) return -errno;
    strncpy(nameOut, ifr.ifr_name, IFNAMSIZ);
    return 0;
}

/// Lets the kernel leave checksums to us and hand over TCP super-packets (TSO for IPv4 and IPv6): 0 or -errno.
static inline int CLinux_tun_set_tcp_offload(int fd) {
    if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0) return -errno;
    return 0;
}

/// Sets an interface's MTU through a socket descriptor (SIOCSIFMTU).
static inline int CLinux_set_mtu(int sock, const char *name, int mtu) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    ifr.ifr_mtu = mtu;
    if (ioctl(sock, SIOCSIFMTU, &ifr) < 0) return -errno;
    return 0;
}

/// The path MTU the kernel tracks for a connected TCP socket, or -1 (protocol.md §3.3).
static inline int CLinux_tcp_pmtu(int fd) {
    struct tcp_info info;
    socklen_t len = sizeof(info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0) return -1;
    return (int)info.tcpi_pmtu;
}
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

/// A non-blocking rtnetlink socket subscribed to IPv4 and IPv6 address and route changes, or -errno.
static inline int CLinux_netlink_address_monitor(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -errno;
    struct sockaddr_nl address;
    memset(&address, 0, sizeof(address));
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}
/// Asks for every route of `family` on a netlink socket (RTM_GETROUTE with NLM_F_DUMP); the replies follow on
/// it, ended by NLMSG_DONE. Returns 0 or -errno.
static inline int CLinux_netlink_request_route_dump(int fd, int family) {
    struct { struct nlmsghdr header; struct rtmsg message; } request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.message.rtm_family = (unsigned char)family;
    if (send(fd, &request, request.header.nlmsg_len, 0) < 0) return -errno;
    return 0;
}
#include <sys/prctl.h>
#include <sys/resource.h>

/// No core dump and no ptrace by other users' processes: a dump of a VPN client holds its secrets (issue 13, item 14).
/// Returns 0, or -errno of the first call that failed.
static inline int CLinux_disable_core_dumps(void) {
    struct rlimit none = { 0, 0 };
    if (setrlimit(RLIMIT_CORE, &none) != 0) return -errno;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return -errno;
    return 0;
}

/// 1 when the process may dump core (PR_GET_DUMPABLE).
static inline int CLinux_is_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

#include <malloc.h>
/// glibc makes up to 8 malloc arenas per core, one per thread that allocates; each keeps freed memory resident.
static inline int CLinux_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }


#include <sys/syscall.h>
#include <sys/uio.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
/// A descriptor that polls readable when the child `pid` exits (pidfd_open(2), Linux 5.3); -errno without one.
static inline int CLinux_pidfd_open(int pid) {
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : (int)fd;
}

// struct mmsghdr and the recvmmsg/sendmmsg prototypes need _GNU_SOURCE; the kernel's layout and the raw system
// calls do the same (recvmmsg(2), sendmmsg(2)). For the data plane's DTLS batches (issue 12, item 3).
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} CLinux_mmsghdr;

#define CLINUX_BATCH_MAX 64

/// Receives up to `count` datagrams into slots of `slotSize` bytes from `slots` (one recvmmsg), their lengths into
/// `lengths`: how many arrived, 0 when none waits, or -errno.
static inline int CLinux_recv_batch(int fd, unsigned char *slots, size_t slotSize, unsigned int *lengths, int count) {
    CLinux_mmsghdr messages[CLINUX_BATCH_MAX];
    struct iovec vectors[CLINUX_BATCH_MAX];
    if (count > CLINUX_BATCH_MAX) count = CLINUX_BATCH_MAX;
    memset(messages, 0, sizeof(CLinux_mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = slots + (size_t)i * slotSize;
        vectors[i].iov_len = slotSize;
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int got = (int)syscall(SYS_recvmmsg, fd, messages, (unsigned int)count, MSG_DONTWAIT, NULL);
    if (got < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < got; i++) lengths[i] = messages[i].msg_len;
    return got;
}

/// A receive buffer of `bytes`: SO_RCVBUFFORCE past net.core.rmem_max where the process may (CAP_NET_ADMIN), else
/// as much as SO_RCVBUF gives. For the DTLS socket (issue 12): the default 208 KB holds about 90 datagrams, so a
/// data plane kept off a core for a millisecond at 1 Gbit/s lost what arrived meanwhile, and the tunnelled TCP paid
/// with retransmits (a download's fell from 14,000-60,000 to 7,000-10,000 per 8 s in the lab). wireguard-go sets its
/// UDP buffers the same way. The send side keeps its default: a 4 MB one changed nothing measurable (the upload's
/// losses are in the gateway's socket, not ours).
static inline void CLinux_set_receive_buffer(int fd, int bytes) {
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

#include <stdint.h>
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, since 4.18 */
#endif
// The kernel's limits on one UDP GSO send (include/linux/udp.h UDP_MAX_SEGMENTS; a datagram's 64 KB).
#define CLINUX_GSO_SEGMENTS 64
#define CLINUX_GSO_BYTES 65000

/// Sends `count` datagrams from slots of `slotSize` bytes (lengths in `lengths`) with sendmmsg: 0, or -errno of the
/// first one the socket refused. What a full socket buffer refuses is dropped, as UDP drops it.
///
/// With `*gso` set, runs of datagrams of one length (the last of a run may be shorter) go as one message with
/// UDP_SEGMENT (udp(7), "UDP GSO"): the stack handles the run as one packet and cuts it at the device, where the
/// datagrams each cost a trip through it before (issue 12, item 3, as wireguard-go's StdNetBind). A kernel or
/// route that refuses it (EIO: no checksum offload; EINVAL, ENOPROTOOPT, EOPNOTSUPP) clears `*gso`, and the rest
/// goes as one datagram per message.
static inline int CLinux_send_batch(int fd, const unsigned char *slots, size_t slotSize, const unsigned int *lengths,
                                    int count, int *gso) {
    CLinux_mmsghdr messages[CLINUX_BATCH_MAX];
    struct iovec vectors[CLINUX_BATCH_MAX];
    int first[CLINUX_BATCH_MAX];
    union {
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr alignment;
    } controls[CLINUX_BATCH_MAX];
    if (count > CLINUX_BATCH_MAX) count = CLINUX_BATCH_MAX;
    memset(messages, 0, sizeof(CLinux_mmsghdr) * (size_t)count);
    int messageCount = 0;
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)(slots + (size_t)i * slotSize);
        vectors[i].iov_len = lengths[i];
    }
    for (int i = 0; i < count;) {
        int run = 1;
        size_t bytes = lengths[i];
        while (*gso && i + run < count && run < CLINUX_GSO_SEGMENTS && lengths[i + run] <= lengths[i]
               && bytes + lengths[i + run] <= CLINUX_GSO_BYTES) {
            bytes += lengths[i + run];
            run++;
            if (lengths[i + run - 1] < lengths[i]) break;  // a shorter datagram ends the run
        }
        struct msghdr *header = &messages[messageCount].msg_hdr;
        header->msg_iov = &vectors[i];
        header->msg_iovlen = (size_t)run;
        if (run > 1) {
            header->msg_control = controls[messageCount].bytes;
            header->msg_controllen = sizeof(controls[messageCount].bytes);
            struct cmsghdr *control = CMSG_FIRSTHDR(header);
            control->cmsg_level = SOL_UDP;
            control->cmsg_type = UDP_SEGMENT;
            control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t size = (uint16_t)lengths[i];
            memcpy(CMSG_DATA(control), &size, sizeof(size));
        }
        first[messageCount++] = i;
        i += run;
    }
    int sent = 0;
    while (sent < messageCount) {
        int done = (int)syscall(SYS_sendmmsg, fd, messages + sent, (unsigned int)(messageCount - sent), MSG_DONTWAIT);
        if (done < 0) {
            int code = errno;
            if (code == EINTR) continue;
            if (messages[sent].msg_hdr.msg_controllen != 0
                && (code == EIO || code == EINVAL || code == ENOPROTOOPT || code == EOPNOTSUPP)) {
                *gso = 0;
                int from = first[sent];
                return CLinux_send_batch(fd, slots + (size_t)from * slotSize, slotSize, lengths + from, count - from, gso);
            }
            return (code == EAGAIN || code == EWOULDBLOCK) ? 0 : -code;
        }
        sent += done;
    }
    return 0;
}
#endif
