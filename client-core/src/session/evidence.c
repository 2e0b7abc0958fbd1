/* What a session learnt on the way (session.h), for `roadvpn diagnose`. */
#include "session-internal.h"

void session_get_evidence(const struct session *s, struct session_evidence *ret)
{
	*ret = s->core.evidence;
	ret->gateway4 = s->gateway4;
	session_pathprobe_evidence(&s->pathprobe, ret);
}
