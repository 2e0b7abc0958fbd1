/* roadvpn-gtk: the desktop app for roadvpn's L2TP/IPsec connections. */
#include <locale.h>

#include <glib/gi18n-lib.h>
#include <roadvpn-client/roadvpn-client.h>

#include "rg-app.h"

int main(int argc, char **argv)
{
	g_autoptr(RgApp) app = NULL;

	/*
	 * The user's language, from the catalogues the CLI uses too
	 * (rvc_localedir(): ROADVPN_LOCALEDIR for tests, else the installed one).
	 * The default domain as well: GtkBuilder files name it, GTK's own
	 * dialogs use theirs.
	 */
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, rvc_localedir());
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	app = rg_app_new();
	return g_application_run(G_APPLICATION(app), argc, argv);
}
