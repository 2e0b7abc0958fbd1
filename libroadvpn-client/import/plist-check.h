#pragma once
/* Depth and size bounds for property lists, checked before libplist parses them. */
#include <stddef.h>

#define RVI_PLIST_MAX_NODES 4096

int rvi_plist_check_xml(const char *data, size_t len, char **error);
int rvi_plist_check_bin(const unsigned char *data, size_t len, char **error);
