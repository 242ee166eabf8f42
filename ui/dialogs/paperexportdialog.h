// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Asks how to save the Compare grid for a paper: the figure's size on paper, its text size, a title and
// where the legend goes (what `runlens export-chart --size WxHmm --title ... --legend ...` does).

#include "charts/chartgrid.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace runlens {

struct PaperExportOptions
{
    QString title;
    QSizeF millimetres{85, 60}; // a journal's column
    double fontPoints = 8;
    LegendPlacement legend = LegendPlacement::Below;
    double dpi = 300; // for a PNG
};

class PaperExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PaperExportDialog(const PaperExportOptions &options, QWidget *parent = nullptr);

    PaperExportOptions options() const;

private:
    QLineEdit *m_title;
    QDoubleSpinBox *m_width, *m_height, *m_font, *m_dpi;
    QComboBox *m_legend;
};

} // namespace runlens
