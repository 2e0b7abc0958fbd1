/*
 * UDP encapsulation of ESP (RFC 3948): telling apart what arrives on port
 * 4500 (section 2.2: IKE behind a 4-byte zero non-ESP marker, ESP with its
 * non-zero SPI in the same place) and NAT keepalives (section 2.3: one 0xFF
 * byte, sent to keep the NAT mapping and silently dropped on receipt).
 */
#include "esp.h"

enum esp_udpencap_kind esp_udpencap_classify(const uint8_t *data, size_t len)
{
	if (len == 1 && data[0] == 0xff)
		return ESP_UDPENCAP_KEEPALIVE;
	if (len < ESP_NON_ESP_MARKER_LEN)
		return ESP_UDPENCAP_INVALID;
	if (esp_packet_spi(data, len) != 0)
		return ESP_UDPENCAP_ESP;
	if (!data[0] && !data[1] && !data[2] && !data[3])
		return ESP_UDPENCAP_IKE;

	/* 4..7 bytes with a non-zero first word: too short to be ESP. */
	return ESP_UDPENCAP_INVALID;
}

size_t esp_udpencap_keepalive(uint8_t *buf, size_t cap)
{
	if (cap < 1)
		return 0;

	buf[0] = 0xff;
	return 1;
}
