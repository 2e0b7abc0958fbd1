/*
 * The converter from a shell, for the interop tests until the CLI's
 * `roadvpn import` lands: import FILE into a profile roadvpnd --foreground
 * reads (secrets merged in, mode 0600), or export a profile.
 *   rv-import-tool import FILE OUT [USER]
 *   rv-import-tool export FORMAT PROFILE OUT
 * The report goes to stderr; it never holds a secret.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roadvpn-client/rv-import.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, RV_IMPORT_MAX_SIZE + 2);

	if (!f || !buf) {
		perror(path);
		exit(1);
	}
	*len = fread(buf, 1, RV_IMPORT_MAX_SIZE + 1, f);
	fclose(f);
	return buf;
}

static void spill(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0) {
		perror(path);
		exit(1);
	}
}

static int do_import(const char *file, const char *out, const char *user)
{
	struct rv_import_options o = { .user = user };
	struct rv_import_result *r = NULL;
	char *error = NULL, *data, *report, *text;
	size_t len;

	data = slurp(file, &len);
	if (rv_import_data(data, len, &o, &r, &error) < 0) {
		fprintf(stderr, "import: %s\n", error);
		return 1;
	}
	report = rv_import_report(r);
	fputs(report, stderr);
	text = rv_import_text_with_secrets(&r->conns[0]);
	spill(out, text, strlen(text));
	explicit_bzero(text, strlen(text));
	free(text);
	free(report);
	free(data);
	rv_import_result_free(r);
	return 0;
}

static int do_export(const char *format, const char *profile, const char *out)
{
	enum rv_export_format fmt;
	struct rv_import_note *notes = NULL;
	size_t n = 0, len, out_len;
	char *error = NULL, *data = slurp(profile, &len), *result;

	if (rv_export_format_from_name(format, &fmt) < 0 ||
	    rv_export(data, len, NULL, 0, fmt, &result, &out_len, &notes, &n, &error) < 0) {
		fprintf(stderr, "export: %s\n", error ? error : "unknown format");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  left out %s: %s\n", notes[i].field, notes[i].text);
	spill(out, result, out_len);
	free(result);
	free(data);
	rv_import_notes_free(notes, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "import"))
		return do_import(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	if (argc == 5 && !strcmp(argv[1], "export"))
		return do_export(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: rv-import-tool import FILE OUT [USER] | export FORMAT PROFILE OUT\n");
	return 2;
}
