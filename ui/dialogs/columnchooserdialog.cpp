// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/columnchooserdialog.h"

#include "itemmodels/runtablemodel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {
constexpr int IdRole = Qt::UserRole + 1; // per check column: the column id it stands for (local to this tree)
} // namespace

ColumnChooserDialog::ColumnChooserDialog(const QStringList &metricKeys, const QStringList &paramKeys,
                                         const QStringList &chosen, QWidget *parent,
                                         const QStringList &unavailable)
    : QDialog(parent)
    , m_initial(chosen)
    , m_search(new QLineEdit(this))
    , m_tree(new QTreeWidget(this))
{
    setWindowTitle(tr("Choose Columns"));
    m_search->setObjectName(QStringLiteral("columnSearch"));
    m_search->setPlaceholderText(tr("Search keys"));
    m_search->setClearButtonEnabled(true);
    m_tree->setObjectName(QStringLiteral("columnTree"));
    m_tree->setColumnCount(4);
    m_tree->setHeaderLabels({tr("Column"), tr("Last"), tr("Min"), tr("Max")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setUniformRowHeights(true);

    const auto addItem = [this](QTreeWidgetItem *group, const QString &label, const QStringList &ids) {
        auto *item = new QTreeWidgetItem(group, {label});
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        for (int c = 0; c < ids.size(); ++c) {
            const int column = ids.size() == 1 ? 0 : c + 1;
            item->setData(column, IdRole, ids[c]);
            item->setCheckState(column, m_initial.contains(ids[c]) ? Qt::Checked : Qt::Unchecked);
        }
        item->setToolTip(0, label);
    };
    auto *attributes = new QTreeWidgetItem(m_tree, {tr("Run attributes")});
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c)
        if (c != RunTableModel::StarColumn && c != RunTableModel::NameColumn && // always shown
            !unavailable.contains(RunTableModel::fixedColumnId(c)))
            addItem(attributes, RunTableModel::fixedColumnTitle(c), {RunTableModel::fixedColumnId(c)});
    auto *metrics = new QTreeWidgetItem(m_tree, {tr("Metrics (%1)").arg(metricKeys.size())});
    using V = RunTableModel::MetricValue;
    for (const QString &key : metricKeys)
        addItem(metrics, key,
                {RunTableModel::metricColumnId({key, V::Last}), RunTableModel::metricColumnId({key, V::Min}),
                 RunTableModel::metricColumnId({key, V::Max})});
    auto *params = new QTreeWidgetItem(m_tree, {tr("Params (%1)").arg(paramKeys.size())});
    for (const QString &key : paramKeys)
        addItem(params, key, {RunTableModel::paramColumnId(key)});
    for (QTreeWidgetItem *group : {attributes, metrics, params}) {
        group->setFlags(Qt::ItemIsEnabled);
        QFont f = group->font(0);
        f.setBold(true);
        group->setFont(0, f);
    }
    m_tree->expandAll();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *allMetrics = buttons->addButton(tr("All Metrics"), QDialogButtonBox::ActionRole);
    QPushButton *noParams = buttons->addButton(tr("No Params"), QDialogButtonBox::ActionRole);
    connect(allMetrics, &QPushButton::clicked, this, [this, metrics] { setAll(metrics, true); });
    connect(noParams, &QPushButton::clicked, this, [this, params] { setAll(params, false); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, &ColumnChooserDialog::applySearch);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_tree, 1);
    auto *hint = new QLabel(tr("Name is always shown. Min and max sort like the last value."), this);
    hint->setEnabled(false);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    resize(460, 560);
}

void ColumnChooserDialog::setAll(QTreeWidgetItem *group, bool checked)
{
    for (int i = 0; i < group->childCount(); ++i) {
        QTreeWidgetItem *item = group->child(i);
        if (item->isHidden())
            continue;
        // "All metrics" means their last values; min/max stay as they are. Clearing clears every box.
        const int last = item->data(0, IdRole).isValid() ? 0 : 1;
        if (checked)
            item->setCheckState(last, Qt::Checked);
        else
            for (int c = 0; c < 4; ++c)
                if (item->data(c, IdRole).isValid())
                    item->setCheckState(c, Qt::Unchecked);
    }
}

void ColumnChooserDialog::applySearch(const QString &text)
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            item->setHidden(!text.isEmpty() && !item->text(0).contains(text, Qt::CaseInsensitive));
        }
    }
}

QStringList ColumnChooserDialog::chosen() const
{
    QStringList now;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            for (int c = 0; c < 4; ++c) {
                const QVariant id = group->child(i)->data(c, IdRole);
                if (id.isValid() && group->child(i)->checkState(c) == Qt::Checked)
                    now << id.toString();
            }
    }
    QStringList out;
    for (const QString &id : m_initial)
        if (now.contains(id))
            out << id;
    for (const QString &id : now)
        if (!out.contains(id))
            out << id;
    return out;
}

} // namespace runlens
