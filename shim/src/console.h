/* The --console-socket handshake: the runtime sends us the pty master over a unix socket. */
#ifndef BERTH_CONSOLE_H
#define BERTH_CONSOLE_H

int console_listen(const char *path);
/* After the runtime returned: accepts its connection and returns the received fd, or -1. */
int console_receive(int listen_fd);

#endif
