/*
 * The app's form rows: a label on the left, right-aligned, and its widget
 * on the right, the way the editor, the secrets dialog and the name row
 * lay out a field. One place for what every such row must get right: the
 * label's mnemonic focuses the field, and the field's accessible name is
 * the label's text (AT-SPI users and tests find fields by it).
 */
#pragma once

#include <gtk/gtk.h>

/*
 * Attach "_Label" at (0, row) and `widget` at (1, row) of `grid`; `focus`
 * (the widget itself, or the entry inside a box) gets the mnemonic and the
 * accessible name. Returns the label (owned by the grid).
 */
GtkWidget *rg_add_row(GtkGrid *grid, int row, const char *mnemonic, GtkWidget *widget,
		      GtkWidget *focus);
