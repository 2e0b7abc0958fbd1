/* roadvpn-gtk: the desktop app for roadvpn's L2TP/IPsec connections. */
#include "rg-app.h"

int main(int argc, char **argv)
{
	g_autoptr(RgApp) app = rg_app_new();

	return g_application_run(G_APPLICATION(app), argc, argv);
}
