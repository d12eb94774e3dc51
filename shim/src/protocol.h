/*
 * Wire constants shared with berthd. Keep in sync with shim/PROTOCOL.md and
 * io.berth.runtime.shim.ShimProtocol.
 */
#ifndef BERTH_PROTOCOL_H
#define BERTH_PROTOCOL_H

/* Frame: 1 byte type, 4 bytes big-endian payload length, payload. */
#define FRAME_HEADER 5
#define FRAME_MAX_PAYLOAD 65536

/* client -> shim */
#define F_STDIN 0x01
#define F_CLOSE_STDIN 0x02
#define F_RESIZE 0x03      /* rows u16 BE, cols u16 BE */
#define F_REOPEN_LOG 0x04
#define F_ATTACH 0x05      /* flags u8: bit0 stdout, bit1 stderr */

/* shim -> client */
#define F_STDOUT 0x81
#define F_STDERR 0x82
#define F_EXIT 0x83        /* exit code i32 BE */
#define F_ACK 0x84         /* request type u8, then UTF-8 error text; no text = success */

#define ATTACH_STDOUT 0x01
#define ATTACH_STDERR 0x02

#endif
