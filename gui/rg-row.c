/* Form rows (rg-row.h). */
#include "rg-row.h"

GtkWidget *rg_add_row(GtkGrid *grid, int row, const char *mnemonic, GtkWidget *widget,
		      GtkWidget *focus)
{
	GtkWidget *label = gtk_label_new_with_mnemonic(mnemonic);

	gtk_label_set_xalign(GTK_LABEL(label), 1);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), focus);
	/* The text without the mnemonic's underscore. */
	atk_object_set_name(gtk_widget_get_accessible(focus),
			    gtk_label_get_text(GTK_LABEL(label)));
	gtk_grid_attach(grid, label, 0, row, 1, 1);
	gtk_grid_attach(grid, widget, 1, row, 1, 1);
	return label;
}
