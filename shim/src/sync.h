/* Messages to berthd over the sync pipe: one JSON object per line (PROTOCOL.md, "Sync pipe"). */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stddef.h>
#include <sys/types.h>

void sync_send_shim(int fd, pid_t shim_pid);
void sync_send_started(int fd, pid_t pid);
/* stage: options, setup, create, start, exec; status: the runtime's exit status or -1. */
void sync_send_error(int fd, const char *stage, int status, const char *msg, size_t msglen);

#endif
