/* Unit tests of the CRI log writer: record format, long and partial lines, reopen, disk full. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crilog.h"
#include "util.h"
#include "check.h"

static char dir[] = "/tmp/berth-crilog-test-XXXXXX";

/* The records of one stream, reassembled as the kubelet would: P parts joined, F ends a line. */
struct parsed {
	struct buf text[2];
	int records[2];
	int partials[2];
	int bad;
};

static void parse_log(const char *path, struct parsed *p)
{
	memset(p, 0, sizeof *p);
	char *s = read_small_file(path, 64u << 20);
	CHECK(s != NULL, "cannot read %s", path);
	if (!s)
		return;
	for (char *line = s; *line;) {
		char *nl = strchr(line, '\n');
		if (!nl) {
			p->bad++;
			break;
		}
		/* 2026-11-28T05:57:46.806612957Z stdout F x */
		int stream = strncmp(line + 31, "stdout ", 7) == 0 ? 0
			   : strncmp(line + 31, "stderr ", 7) == 0 ? 1 : -1;
		char tag = line[38];
		if (nl - line < 40 || line[30] != ' ' || line[29] != 'Z' || stream < 0
		    || (tag != 'P' && tag != 'F') || line[39] != ' ') {
			p->bad++;
		} else {
			buf_append(&p->text[stream], line + 40, (size_t)(nl - line - 40));
			if (tag == 'F')
				buf_append(&p->text[stream], "\n", 1);
			else
				p->partials[stream]++;
			p->records[stream]++;
		}
		line = nl + 1;
	}
	free(s);
}

static void parsed_free(struct parsed *p)
{
	buf_free(&p->text[0]);
	buf_free(&p->text[1]);
}

static int text_is(struct buf *b, const char *want, size_t n)
{
	return b->len == n && memcmp(b->data, want, n) == 0;
}

static void test_lines_and_partial_last_line(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/a.log", dir);
	struct crilog l;
	CHECK(crilog_open(&l, path) == 0, "open");
	crilog_feed(&l, STREAM_STDOUT, "one\ntw", 6);
	crilog_feed(&l, STREAM_STDERR, "err\n", 4);
	crilog_feed(&l, STREAM_STDOUT, "o\nthree", 7);
	crilog_finish(&l, 'F');
	crilog_close(&l);
	struct parsed p;
	parse_log(path, &p);
	CHECK(p.bad == 0, "bad records");
	CHECK(text_is(&p.text[0], "one\ntwo\nthree\n", 14), "stdout text");
	CHECK(text_is(&p.text[1], "err\n", 4), "stderr text");
	CHECK(p.records[0] == 3 && p.partials[0] == 0, "last line must be one F record, got %d records",
	      p.records[0]);
	parsed_free(&p);
}

/* An exec's log keeps an unterminated last line partial, so ExecSync returns it as written. */
static void test_exact_last_line(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/e.log", dir);
	struct crilog l;
	CHECK(crilog_open(&l, path) == 0, "open");
	crilog_feed(&l, STREAM_STDOUT, "one\nno newline", 14);
	crilog_finish(&l, 'P');
	crilog_close(&l);
	struct parsed p;
	parse_log(path, &p);
	CHECK(p.bad == 0, "bad records");
	CHECK(text_is(&p.text[0], "one\nno newline", 14), "stdout text must end without a newline");
	CHECK(p.records[0] == 2 && p.partials[0] == 1, "want one F and one P record, got %d records, %d partial",
	      p.records[0], p.partials[0]);
	parsed_free(&p);
}

static void test_long_lines(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/b.log", dir);
	size_t big = 1u << 20;
	char *line = xmalloc(big + 1);
	for (size_t i = 0; i < big; i++)
		line[i] = (char)('a' + i % 26);
	line[big] = '\n';
	struct crilog l;
	CHECK(crilog_open(&l, path) == 0, "open");
	/* Fed in odd-sized chunks, as reads from a pipe arrive. */
	for (size_t off = 0; off < big + 1; off += 10007) {
		size_t n = big + 1 - off < 10007 ? big + 1 - off : 10007;
		crilog_feed(&l, STREAM_STDOUT, line + off, n);
	}
	/* Exactly the maximum, newline in a later read: still a single F. */
	crilog_feed(&l, STREAM_STDERR, line, CRILOG_MAX_LINE);
	crilog_feed(&l, STREAM_STDERR, "\n", 1);
	crilog_close(&l);
	struct parsed p;
	parse_log(path, &p);
	CHECK(p.bad == 0, "bad records");
	CHECK(text_is(&p.text[0], line, big + 1), "1 MiB line reassembled");
	CHECK(p.partials[0] == (int)(big / CRILOG_MAX_LINE) - 1 && p.records[0] == (int)(big / CRILOG_MAX_LINE),
	      "1 MiB line: %d records, %d partial", p.records[0], p.partials[0]);
	CHECK(p.records[1] == 1 && p.partials[1] == 0, "max-length line: %d records", p.records[1]);
	parsed_free(&p);
	free(line);
}

static void test_reopen(void)
{
	char path[128], rotated[160];
	snprintf(path, sizeof path, "%s/c.log", dir);
	snprintf(rotated, sizeof rotated, "%s.1", path);
	struct crilog l;
	CHECK(crilog_open(&l, path) == 0, "open");
	crilog_feed(&l, STREAM_STDOUT, "before\nhal", 10);
	CHECK(rename(path, rotated) == 0, "rename");
	crilog_feed(&l, STREAM_STDOUT, "f\n", 2);
	CHECK(crilog_reopen(&l) == 0, "reopen");
	crilog_feed(&l, STREAM_STDOUT, "after\n", 6);
	crilog_close(&l);
	struct parsed old, cur;
	parse_log(rotated, &old);
	parse_log(path, &cur);
	CHECK(text_is(&old.text[0], "before\nhalf\n", 12), "rotated file");
	CHECK(text_is(&cur.text[0], "after\n", 6), "new file");
	parsed_free(&old);
	parsed_free(&cur);
}

static void test_disk_full_is_reported(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/d.log", dir);
	struct crilog l;
	CHECK(crilog_open(&l, path) == 0, "open");
	int real = l.fd;
	l.fd = open("/dev/full", O_WRONLY);
	crilog_feed(&l, STREAM_STDOUT, "lost\n", 5);
	CHECK(l.dropped == 45, "dropped %llu bytes", l.dropped);
	close(l.fd);
	l.fd = real; /* space came back */
	crilog_feed(&l, STREAM_STDOUT, "kept\n", 5);
	crilog_close(&l);
	struct parsed p;
	parse_log(path, &p);
	CHECK(p.bad == 0, "bad records");
	CHECK(text_is(&p.text[0], "kept\n", 5), "stdout after the drop");
	CHECK(p.text[1].len > 0 && memmem(p.text[1].data, p.text[1].len, "dropped 45 bytes", 16),
	      "the drop is said in the log");
	parsed_free(&p);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_lines_and_partial_last_line();
	test_exact_last_line();
	test_long_lines();
	test_reopen();
	test_disk_full_is_reported();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		failures++;
	if (failures) {
		fprintf(stderr, "test_crilog: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_crilog: ok\n");
	return 0;
}
