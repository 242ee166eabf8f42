// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/paperexportdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QVBoxLayout>

namespace runlens {

namespace {

QDoubleSpinBox *spinBox(double lo, double hi, double value, int decimals, const QString &suffix,
                        const QString &name, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setRange(lo, hi);
    box->setDecimals(decimals);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

} // namespace

PaperExportDialog::PaperExportDialog(const PaperExportOptions &options, QWidget *parent)
    : QDialog(parent)
    , m_title(new QLineEdit(options.title, this))
    , m_width(
          spinBox(20, 2000, options.millimetres.width(), 1, tr(" mm"), QStringLiteral("paperWidth"), this))
    , m_height(
          spinBox(15, 2000, options.millimetres.height(), 1, tr(" mm"), QStringLiteral("paperHeight"), this))
    , m_font(spinBox(4, 24, options.fontPoints, 1, tr(" pt"), QStringLiteral("paperFontSize"), this))
    , m_dpi(spinBox(96, 768, options.dpi, 0, tr(" dpi"), QStringLiteral("paperDpi"), this))
    , m_legend(new QComboBox(this))
{
    setObjectName(QStringLiteral("paperExportDialog"));
    setWindowTitle(tr("Save Grid for a Paper"));
    m_title->setObjectName(QStringLiteral("paperTitle"));
    m_title->setPlaceholderText(tr("None"));
    m_legend->setObjectName(QStringLiteral("paperLegend"));
    const QStringList labels{tr("Below the charts"),
                             tr("Right of the charts"),
                             tr("Top right, inside"),
                             tr("Top left, inside"),
                             tr("Bottom right, inside"),
                             tr("Bottom left, inside"),
                             tr("None")};
    const QStringList names = legendPlacementNames();
    for (qsizetype i = 0; i < names.size(); ++i)
        m_legend->addItem(labels.value(i, names[i]), names[i]);
    m_legend->setCurrentIndex(int(options.legend));

    auto *form = new QFormLayout;
    form->addRow(tr("&Title:"), m_title);
    form->addRow(tr("&Width:"), m_width);
    form->addRow(tr("&Height:"), m_height);
    form->addRow(tr("Text &size:"), m_font);
    form->addRow(tr("&Legend:"), m_legend);
    form->addRow(tr("PNG &resolution:"), m_dpi);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

PaperExportOptions PaperExportDialog::options() const
{
    PaperExportOptions o;
    o.title = m_title->text().trimmed();
    o.millimetres = QSizeF(m_width->value(), m_height->value());
    o.fontPoints = m_font->value();
    o.legend = legendPlacementFromName(m_legend->currentData().toString()).value_or(LegendPlacement::Below);
    o.dpi = m_dpi->value();
    return o;
}

} // namespace runlens
