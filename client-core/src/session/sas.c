/*
 * The ESP SAs of a session (see sas.h). SoftEther starts a Quick Mode of
 * its own right after ours, so every inbound SA the gateway negotiated
 * stays accepted while we keep sending on ours; a rekey moves sending to
 * the new SA at once and the old inbound one stays until IKE deletes it.
 */
#include <errno.h>
#include <string.h>

#include "esp/esp.h"
#include "sas.h"
#include "util/log.h"

void session_sas_init(struct session_sas *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

void session_sas_destroy(struct session_sas *s)
{
	session_sas_free_all(s);
	pthread_mutex_destroy(&s->lock);
}

void session_sas_lock(struct session_sas *s)
{
	pthread_mutex_lock(&s->lock);
}

void session_sas_unlock(struct session_sas *s)
{
	pthread_mutex_unlock(&s->lock);
}

void session_sas_add_inbound(struct session_sas *s, struct esp_sa *sa)
{
	session_sas_lock(s);
	if (s->n_in == SESSION_MAX_INBOUND_SA) {
		esp_sa_free(s->in[0]);
		memmove(s->in, s->in + 1, sizeof(s->in[0]) * (SESSION_MAX_INBOUND_SA - 1));
		s->n_in--;
	}
	s->in[s->n_in++] = sa;
	session_sas_unlock(s);
}

void session_sas_replace_outbound(struct session_sas *s, struct esp_sa *sa)
{
	session_sas_lock(s);
	esp_sa_free(s->out);
	s->out = sa;
	session_sas_unlock(s);
}

void session_sas_set_spare(struct session_sas *s, struct esp_sa *sa)
{
	session_sas_lock(s);
	esp_sa_free(s->out_spare);
	s->out_spare = sa;
	session_sas_unlock(s);
}

bool session_sas_has_outbound(struct session_sas *s)
{
	bool r;

	session_sas_lock(s);
	r = s->out != NULL;
	session_sas_unlock(s);
	return r;
}

uint32_t session_sas_outbound_spi(struct session_sas *s)
{
	uint32_t spi;

	session_sas_lock(s);
	spi = s->out ? esp_sa_spi(s->out) : 0;
	session_sas_unlock(s);
	return spi;
}

bool session_sas_outbound_framing(struct session_sas *s, struct esp_framing *ret)
{
	bool have;

	session_sas_lock(s);
	have = s->out != NULL;
	if (have)
		esp_sa_get_framing(s->out, ret);
	session_sas_unlock(s);
	return have;
}

/* Lock held. */
static void remove_inbound(struct session_sas *s, uint32_t spi)
{
	for (size_t i = 0; i < s->n_in; i++) {
		if (esp_sa_spi(s->in[i]) != spi)
			continue;

		esp_sa_free(s->in[i]);
		memmove(s->in + i, s->in + i + 1, sizeof(s->in[0]) * (s->n_in - i - 1));
		s->n_in--;
		return;
	}
}

/* Lock held. */
static bool delete_pair_locked(struct session_sas *s, uint32_t spi_in, uint32_t spi_out)
{
	remove_inbound(s, spi_in);

	if (s->out_spare && esp_sa_spi(s->out_spare) == spi_out) {
		esp_sa_free(s->out_spare);
		s->out_spare = NULL;
	}

	if (!s->out || esp_sa_spi(s->out) != spi_out)
		return false;

	esp_sa_free(s->out);
	s->out = s->out_spare;
	s->out_spare = NULL;
	return !s->out;
}

bool session_sas_delete_pair(struct session_sas *s, uint32_t spi_in, uint32_t spi_out)
{
	bool none_left;

	session_sas_lock(s);
	none_left = delete_pair_locked(s, spi_in, spi_out);
	session_sas_unlock(s);
	return none_left;
}

bool session_sas_seq_low(struct session_sas *s, uint32_t margin)
{
	bool low;

	session_sas_lock(s);
	low = s->out && esp_sa_seq_left(s->out) < margin;
	session_sas_unlock(s);
	return low;
}

bool session_sas_sent_since(struct session_sas *s, uint32_t *mark)
{
	uint32_t left;

	session_sas_lock(s);
	left = s->out ? esp_sa_seq_left(s->out) : 0;
	session_sas_unlock(s);
	if (left == *mark)
		return false;
	*mark = left;
	return true;
}

void session_sas_free_all(struct session_sas *s)
{
	session_sas_lock(s);
	for (size_t i = 0; i < s->n_in; i++)
		esp_sa_free(s->in[i]);
	s->n_in = 0;
	esp_sa_free(s->out);
	s->out = NULL;
	esp_sa_free(s->out_spare);
	s->out_spare = NULL;
	atomic_store(&s->last_rx, 0);
	session_sas_unlock(s);
}

/* Sealing ------------------------------------------------------------- */

int session_sas_seal_prepare(struct session_sas *s, struct pkt *p)
{
	int r;

	/* Fail closed: no SA, no packet. */
	if (!s->out)
		return -ENOTCONN;

	r = esp_udp_push(p, ESP_L2TP_PORT, ESP_L2TP_PORT, NULL);
	if (!r)
		r = esp_seal_prepare(s->out, p, ESP_NEXT_HEADER_UDP);
	if (r == -EKEYEXPIRED)
		rv_log_warning("session", "ESP sequence numbers used up; the SA needs a rekey");
	return r;
}

int session_sas_seal_crypt(struct session_sas *s, unsigned lane, struct pkt *p)
{
	/* The SA that prepared p: it changes only between batches, under the lock. */
	return s->out ? esp_seal_crypt(s->out, lane, p) : -ENOTCONN;
}

/* Opening ------------------------------------------------------------- */

int session_sas_open_crypt(struct session_sas *s, unsigned lane, struct pkt *p)
{
	uint32_t spi = esp_packet_spi(p->data, p->len);
	int r;

	for (size_t i = 0; i < s->n_in; i++) {
		if (esp_sa_spi(s->in[i]) != spi)
			continue;
		r = esp_open_crypt(s->in[i], lane, p);
		return r < 0 ? r : (int)i + 1;
	}
	return -ENOENT;
}

/*
 * The SA that opened p, from its slot. On the main loop an IKE message
 * handled earlier in the same batch may have deleted SAs since the crypto
 * stage: then the slot no longer holds p's SPI and it is looked up again.
 */
static struct esp_sa *opener(struct session_sas *s, const struct pkt *p, int opened)
{
	uint32_t spi = esp_packet_spi(p->data, p->len);

	if ((size_t)opened <= s->n_in && esp_sa_spi(s->in[opened - 1]) == spi)
		return s->in[opened - 1];
	for (size_t i = 0; i < s->n_in; i++) {
		if (esp_sa_spi(s->in[i]) == spi)
			return s->in[i];
	}
	return NULL;
}

int session_sas_open_finish(struct session_sas *s, struct pkt *p, int opened, usec_t now)
{
	struct esp_sa *sa = opened > 0 ? opener(s, p, opened) : NULL;
	uint8_t nh = 0;
	int r = opened < 0 ? opened : sa ? esp_open_finish(sa, p, &nh) : -ENOENT;

	if (r == -ENOENT) {
		rv_log_debug("session", "ESP for an unknown SPI dropped");
		return r;
	}
	if (r < 0) {
		rv_log_debug("session", "ESP packet dropped: %s", strerror(-r));
		return r;
	}

	atomic_store_explicit(&s->last_rx, now, memory_order_relaxed);
	if (nh != ESP_NEXT_HEADER_UDP || esp_udp_pull(p, ESP_L2TP_PORT, NULL) < 0)
		return -EPROTO;
	return 0;
}

unsigned session_sas_lanes(const struct session_sas *s, bool seal)
{
	unsigned lanes = ESP_MAX_LANES;

	if (seal)
		return s->out ? esp_sa_lanes(s->out) : 1;
	if (!s->n_in)
		return 1;
	/* Any inbound SA may get any packet: the fewest lanes among them. */
	for (size_t i = 0; i < s->n_in; i++) {
		if (esp_sa_lanes(s->in[i]) < lanes)
			lanes = esp_sa_lanes(s->in[i]);
	}
	return lanes;
}
