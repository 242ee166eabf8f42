// SPDX-License-Identifier: GPL-3.0-or-later
// KeyValueModel, the one key/value table behind a run's params, a run's tags and a registered model's tags:
// rows in key order, one-line display text with the whole text in the tooltip and FullTextRole, the key
// column's own title; and what each model adds (registry tags: TagKeyRole, the key shown as is, values
// updated in place when the keys stay). Every model runs under QAbstractItemModelTester.

#include "itemmodels/displaytext.h"
#include "itemmodels/registrytagsmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runparamsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace runlens;

class TestKeyValueModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsInKeyOrderWithOneLineText()
    {
        RunParamsModel params;
        QAbstractItemModelTester tester(&params, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString longValue = QStringLiteral("line one\nline two");
        params.setParams({{QStringLiteral("optimizer"), QStringLiteral("adam")},
                          {QStringLiteral("batch"), QStringLiteral("64")},
                          {QStringLiteral("layers"), longValue}});
        QCOMPARE(params.rowCount(), 3);
        QCOMPARE(params.columnCount(), 2);
        QCOMPARE(params.rowCount(params.index(0, 0)), 0); // a flat table
        QCOMPARE(params.keyAt(0), QStringLiteral("batch"));
        QCOMPARE(params.rowOf(QStringLiteral("layers")), 1);
        QCOMPARE(params.rowOf(QStringLiteral("absent")), -1);
        QCOMPARE(params.valueAt(2), QStringLiteral("adam"));
        const QModelIndex value = params.index(1, RunParamsModel::ValueColumn);
        QCOMPARE(value.data(Qt::DisplayRole).toString(), display::singleLine(longValue));
        QVERIFY(!value.data(Qt::DisplayRole).toString().contains(QLatin1Char('\n')));
        QCOMPARE(value.data(FullTextRole).toString(), longValue);
        QCOMPARE(value.data(SortValueRole).toString(), longValue);
        QCOMPARE(value.data(Qt::ToolTipRole).toString(), display::tooltipText(longValue));
        QCOMPARE(params.index(1, RunParamsModel::KeyColumn).data(FullTextRole).toString(),
                 QStringLiteral("layers"));
        QCOMPARE(params.headerData(RunParamsModel::KeyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Param"));
        QCOMPARE(params.headerData(RunParamsModel::ValueColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Value"));
        QCOMPARE(params.params().value(QStringLiteral("layers")), longValue);
        QCOMPARE(params.params().size(), 3);

        params.setParams({});
        QCOMPARE(params.rowCount(), 0);
        QVERIFY(!params.index(0, 0).isValid());
    }

    void registryTagsKeepTheirOwnRoles()
    {
        RegistryTagsModel tags;
        QAbstractItemModelTester tester(&tags, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&tags, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&tags, &QAbstractItemModel::dataChanged);
        tags.setTags({{QStringLiteral("team"), QStringLiteral("vision")},
                      {QStringLiteral("owner"), QStringLiteral("")}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(tags.headerData(RegistryTagsModel::KeyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Key"));
        const QModelIndex owner = tags.index(0, RegistryTagsModel::KeyColumn);
        QCOMPARE(owner.data(Qt::DisplayRole).toString(), QStringLiteral("owner"));
        QCOMPARE(tags.index(1, RegistryTagsModel::ValueColumn).data(TagKeyRole).toString(),
                 QStringLiteral("team"));
        QVERIFY(!owner.data(Qt::ToolTipRole).isValid()); // the key column has no tooltip
        QVERIFY(!tags.index(0, RegistryTagsModel::ValueColumn).data(Qt::ToolTipRole).isValid()); // empty
        QCOMPARE(tags.index(1, RegistryTagsModel::ValueColumn).data(Qt::ToolTipRole).toString(),
                 display::tooltipText(QStringLiteral("vision")));

        // The same keys: values change in place (a view keeps its selection), no reset.
        tags.setTags({{QStringLiteral("team"), QStringLiteral("speech")},
                      {QStringLiteral("owner"), QStringLiteral("ada")}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(tags.index(1, RegistryTagsModel::ValueColumn).data(FullTextRole).toString(),
                 QStringLiteral("speech"));
        QCOMPARE(tags.tags().value(QStringLiteral("owner")), QStringLiteral("ada"));
        // The same tags: nothing at all.
        tags.setTags(tags.tags());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(reset.count(), 1);
        // Another key: a reset.
        tags.setTags({{QStringLiteral("stage"), QStringLiteral("prod")}});
        QCOMPARE(reset.count(), 2);
        QCOMPARE(tags.rowCount(), 1);
        QCOMPARE(tags.keyAt(0), QStringLiteral("stage"));
    }
};

QTEST_GUILESS_MAIN(TestKeyValueModel)
#include "tst_keyvaluemodel.moc"
