// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runinputsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <QJsonDocument>

namespace runlens {

namespace {
// Schema and profile are JSON as MLflow wrote them (one line); indented they read better in a tooltip.
QString readableJson(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return text;
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}
} // namespace

RunInputsModel::RunInputsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RunInputsModel::setInputs(std::vector<DatasetInput> inputs)
{
    beginResetModel();
    m_inputs = std::move(inputs);
    endResetModel();
}

int RunInputsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_inputs.size());
}

int RunInputsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunInputsModel::tooltip(const DatasetInput &in) const
{
    QString t = tr("%1\ndigest %2\nsource (%3): %4")
                    .arg(in.name, in.digest.isEmpty() ? tr("none") : in.digest,
                         in.sourceType.isEmpty() ? tr("unknown type") : in.sourceType,
                         in.source.isEmpty() ? tr("none") : in.source);
    if (!in.schema.isEmpty())
        t += tr("\n\nSchema:\n%1").arg(readableJson(in.schema));
    if (!in.profile.isEmpty())
        t += tr("\n\nProfile:\n%1").arg(readableJson(in.profile));
    return display::tooltipText(t);
}

QVariant RunInputsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DatasetInput &in = m_inputs[size_t(index.row())];
    if (role == Qt::ToolTipRole)
        return tooltip(in);
    if (role != Qt::DisplayRole && role != FullTextRole && role != SortValueRole)
        return {};
    QString text;
    switch (index.column()) {
    case NameColumn:
        text = in.name;
        break;
    case DigestColumn:
        text = in.digest;
        break;
    case ContextColumn:
        text = in.context;
        break;
    case SourceTypeColumn:
        text = in.sourceType;
        break;
    case SourceColumn:
        text = in.source;
        break;
    default:
        return {};
    }
    return role == Qt::DisplayRole ? display::singleLine(text) : text;
}

QVariant RunInputsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Dataset", "Digest", "Context", "Source type", "Source"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
