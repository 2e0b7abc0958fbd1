/*
 * The application: single instance through GApplication's unique name, one
 * window, the style sheet, app-wide actions and their shortcuts. Closing
 * the window while a connection is up hides it (rg-window.c holds the app),
 * so notifications keep coming and a launch brings the window back.
 */
#include <glib/gi18n-lib.h>

#include "rg-app.h"
#include "rg-window.h"

struct _RgApp {
	GtkApplication parent;
};

G_DEFINE_TYPE(RgApp, rg_app, GTK_TYPE_APPLICATION)

static RgWindow *app_window(GApplication *app)
{
	GList *windows = gtk_application_get_windows(GTK_APPLICATION(app));

	for (GList *l = windows; l; l = l->next) {
		if (RG_IS_WINDOW(l->data))
			return l->data;
	}
	return NULL;
}

static void rg_app_activate(GApplication *app)
{
	RgWindow *win = app_window(app);

	if (!win)
		win = rg_window_new(GTK_APPLICATION(app));
	gtk_window_present(GTK_WINDOW(win));
}

/* `roadvpn-gtk FILE`, or a settings file opened from the file manager: import it. */
static void rg_app_open(GApplication *app, GFile **files, int n_files, const char *hint)
{
	RgWindow *win;

	rg_app_activate(app);
	win = app_window(app);
	for (int i = 0; i < n_files; i++)
		rg_window_import_file(win, files[i]);
}

static void act_quit(GSimpleAction *action, GVariant *param, gpointer app)
{
	RgWindow *win = app_window(app);

	/* Connections belong to roadvpnd and stay up; only the window goes. */
	if (win)
		gtk_widget_destroy(GTK_WIDGET(win));
	g_application_quit(app);
}

static void act_about(GSimpleAction *action, GVariant *param, gpointer app)
{
	const char *const authors[] = { _("The roadvpn developers"), NULL };

	gtk_show_about_dialog(GTK_WINDOW(app_window(app)), "program-name", "roadvpn",
			      "logo-icon-name", RG_APP_ID, "version", ROADVPN_VERSION,
			      "comments", _("L2TP/IPsec VPN connections"),
			      "license-type", GTK_LICENSE_GPL_2_0, "authors", authors, NULL);
}

static void act_activate(GSimpleAction *action, GVariant *param, gpointer app)
{
	g_application_activate(app);
}

static const GActionEntry app_actions[] = {
	{ .name = "quit", .activate = act_quit },
	{ .name = "about", .activate = act_about },
	{ .name = "activate", .activate = act_activate },
};

static void set_accels(GtkApplication *app)
{
	static const struct {
		const char *action, *accel;
	} accels[] = {
		{ "app.quit", "<Primary>q" },         { "win.add-profile", "<Primary>n" },
		{ "win.edit-profile", "<Primary>e" }, { "win.toggle-connection", "<Primary>Return" },
		{ "win.show-log", "<Primary>l" },       { "win.close", "<Primary>w" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
		const char *const one[] = { accels[i].accel, NULL };

		gtk_application_set_accels_for_action(app, accels[i].action, one);
	}
}

static void load_css(void)
{
	g_autoptr(GtkCssProvider) css = gtk_css_provider_new();

	gtk_css_provider_load_from_resource(css, "/org/roadvpn/Gtk/style.css");
	gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
						  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void rg_app_startup(GApplication *app)
{
	G_APPLICATION_CLASS(rg_app_parent_class)->startup(app);
	g_set_application_name("roadvpn");
	gtk_window_set_default_icon_name(RG_APP_ID);
	g_action_map_add_action_entries(G_ACTION_MAP(app), app_actions, G_N_ELEMENTS(app_actions),
					app);
	set_accels(GTK_APPLICATION(app));
	load_css();
}

static void rg_app_class_init(RgAppClass *klass)
{
	GApplicationClass *a = G_APPLICATION_CLASS(klass);

	a->startup = rg_app_startup;
	a->activate = rg_app_activate;
	a->open = rg_app_open;
}

static void rg_app_init(RgApp *self)
{
}

RgApp *rg_app_new(void)
{
	return g_object_new(RG_TYPE_APP, "application-id", RG_APP_ID, "flags",
			    G_APPLICATION_HANDLES_OPEN, NULL);
}
