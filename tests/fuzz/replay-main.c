/*
 * A plain main() for fuzz targets built without libFuzzer: feeds every file
 * named on the command line (directories are walked one level) through
 * LLVMFuzzerTestOneInput, so the corpus and every past crash replay under
 * gcc + ASan/UBSan in the ordinary test run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!f) {
		perror(path);
		return 1;
	}

	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (!buf || (size > 0 && fread(buf, 1, (size_t)size, f) != (size_t)size)) {
		fclose(f);
		free(buf);
		return 1;
	}

	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

static int run_dir(const char *path, unsigned int *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int failed = 0;

	if (!d)
		return 1;

	while ((e = readdir(d))) {
		char child[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		failed |= run_file(child);
		(*count)++;
	}

	closedir(d);
	return failed;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			/* A target with no corpus yet still runs the empty input. */
			LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
			continue;
		}

		if (S_ISDIR(st.st_mode)) {
			failed |= run_dir(argv[i], &count);
		} else {
			failed |= run_file(argv[i]);
			count++;
		}
	}

	printf("replayed %u inputs\n", count);
	return failed;
}
