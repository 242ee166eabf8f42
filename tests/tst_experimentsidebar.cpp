// SPDX-License-Identifier: GPL-3.0-or-later
// Managing experiments in the sidebar, driven as a person would, offscreen, on a real database: the + button
// and its dialog (inline validation, the store's late Conflict), renaming in place with F2, the description
// dialog from the context menu, Del to the trash, Show Trash, Restore and Undo; the File menu's New
// Experiment. The list model and the sidebar's proxy run under QAbstractItemModelTester throughout.

#include "dialogs/experimentdialog.h"
#include "itemmodels/experimentlistmodel.h"
#include "itemmodels/roles.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "store/storeworker.h"
#include "widgets/experimentdelegate.h"
#include "widgets/experimentsidebar.h"

#include <memory>
#include <QAbstractItemModelTester>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace runlens;

class TestExperimentSidebar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createFromPlusButton();
    void dialogRefusesTakenNames();
    void renameInPlaceWithF2();
    void renameToTakenNameRestoresOldName();
    void editDescriptionFromContextMenu();
    void trashShowTrashAndRestore();
    void undoMovesBackFromTrash();
    void noExperimentIsNeverEdited();
    void chooseSeveralWithMouseAndKeys();
    void mainWindowFileMenu();

private:
    QListView *list() const { return m_sidebar->findChild<QListView *>(QStringLiteral("experimentList")); }
    QModelIndex rowNamed(const QString &name) const;
    void click(const QModelIndex &index);
    ExperimentDialog *waitForDialog(QWidget *owner);
    QMenu *openContextMenu(const QModelIndex &index);
    std::optional<Experiment> stored(ExperimentId id) const;
    QString notice() const;

    QTemporaryDir m_config;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    ExperimentId m_alpha = 0, m_beta = 0, m_gamma = 0, m_old = 0;
    std::unique_ptr<StoreWorker> m_worker;
    std::unique_ptr<ExperimentListModel> m_model;
    std::unique_ptr<ExperimentSidebar> m_sidebar;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
    std::unique_ptr<QSignalSpy> m_status;
};

void TestExperimentSidebar::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8()); // keep QSettings out of $HOME
}

void TestExperimentSidebar::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(QStringLiteral("sidebar.db"));
    {
        Store store(m_db);
        m_alpha = store.runs().createExperiment(QStringLiteral("alpha"),
                                                QStringLiteral("# Baseline sweep\nlr x batch"));
        m_beta = store.runs().createExperiment(QStringLiteral("beta"));
        m_gamma = store.runs().createExperiment(QStringLiteral("gamma"));
        m_old = store.runs().createExperiment(QStringLiteral("old"));
        store.runs().setExperimentLifecycle(m_old, Lifecycle::Deleted);
        NewRun run;
        run.experimentId = m_alpha;
        store.runs().createRun(run);
        store.runs().createRun(run);
    }
    m_worker = std::make_unique<StoreWorker>(m_db);
    m_model = std::make_unique<ExperimentListModel>(m_worker.get());
    m_modelTester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_sidebar = std::make_unique<ExperimentSidebar>(m_model.get());
    m_proxyTester = std::make_unique<QAbstractItemModelTester>(
        list()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_status = std::make_unique<QSignalSpy>(m_sidebar.get(), &ExperimentSidebar::statusMessage);
    QVERIFY(m_status->isValid());
    m_sidebar->resize(320, 480);
    m_sidebar->show();
    m_sidebar->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_sidebar.get()));
    m_model->reload();
    QTRY_VERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_sidebar->currentExperiment(), m_alpha); // the first one is chosen
}

void TestExperimentSidebar::cleanup()
{
    // Dialogs and menus are children of the sidebar; the testers go before the models they watch.
    m_status.reset();
    m_proxyTester.reset();
    m_sidebar.reset();
    m_modelTester.reset();
    m_model.reset();
    m_worker.reset();
    m_dir.reset();
}

// Ctrl-click adds and removes one, Shift-click a range, Shift+Down and Ctrl+Space do the same from the
// keyboard; the set survives reloads, a search that hides some of it, and loses what goes to the trash.
void TestExperimentSidebar::chooseSeveralWithMouseAndKeys()
{
    QSignalSpy chosen(m_sidebar.get(), &ExperimentSidebar::experimentsChosen);
    QVERIFY(chosen.isValid());
    using Ids = QList<ExperimentId>;
    const auto lastChosen = [&chosen] { return chosen.last().first().value<Ids>(); };
    const auto ctrlClick = [this](const QString &name) {
        QTest::mouseClick(list()->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          list()->visualRect(rowNamed(name)).center());
    };
    QCOMPARE(m_sidebar->chosenExperiments(), Ids{m_alpha});

    ctrlClick(QStringLiteral("gamma"));
    QCOMPARE(m_sidebar->chosenExperiments(), (Ids{m_alpha, m_gamma}));
    QCOMPARE(chosen.count(), 1);
    QCOMPARE(lastChosen(), (Ids{m_alpha, m_gamma}));
    QCOMPARE(m_sidebar->currentExperiment(), m_gamma); // what Rename and Del act on
    ctrlClick(QStringLiteral("alpha"));
    QCOMPARE(lastChosen(), Ids{m_gamma});
    // Ctrl-click on the last one left: it stays chosen (never "every experiment").
    ctrlClick(QStringLiteral("gamma"));
    QCOMPARE(m_sidebar->chosenExperiments(), Ids{m_gamma});
    QCOMPARE(chosen.count(), 2);

    click(rowNamed(QStringLiteral("alpha")));
    QCOMPARE(lastChosen(), Ids{m_alpha});
    QTest::mouseClick(list()->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                      list()->visualRect(rowNamed(QStringLiteral("gamma"))).center());
    QCOMPARE(lastChosen(), (Ids{m_alpha, m_beta, m_gamma}));

    // The keyboard: Down alone chooses one, Shift+Down extends, Ctrl+Down moves without choosing and
    // Ctrl+Space adds.
    list()->setFocus();
    click(rowNamed(QStringLiteral("alpha")));
    QTest::keyClick(list(), Qt::Key_Down);
    QCOMPARE(lastChosen(), Ids{m_beta});
    QTest::keyClick(list(), Qt::Key_Up);
    QTest::keyClick(list(), Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(lastChosen(), (Ids{m_alpha, m_beta}));
    QTest::keyClick(list(), Qt::Key_Up);
    QCOMPARE(lastChosen(), Ids{m_alpha});
    QTest::keyClick(list(), Qt::Key_Down, Qt::ControlModifier);
    QTest::keyClick(list(), Qt::Key_Down, Qt::ControlModifier);
    QCOMPARE(m_sidebar->chosenExperiments(), Ids{m_alpha});
    QTest::keyClick(list(), Qt::Key_Space, Qt::ControlModifier);
    QCOMPARE(lastChosen(), (Ids{m_alpha, m_gamma}));
    const int signals = int(chosen.count());

    // A reload keeps the set; a search hiding part of it does not change it, and shows it again after.
    m_model->reload();
    QTRY_VERIFY(!m_model->isLoading());
    QCOMPARE(m_sidebar->chosenExperiments(), (Ids{m_alpha, m_gamma}));
    QCOMPARE(list()->selectionModel()->selectedRows().size(), 2);
    auto *search = m_sidebar->findChild<QLineEdit *>(QStringLiteral("experimentSearch"));
    QTest::keyClicks(search, QStringLiteral("gam"));
    QCOMPARE(list()->model()->rowCount(), 1);
    QCOMPARE(m_sidebar->chosenExperiments(), (Ids{m_alpha, m_gamma}));
    search->clear();
    QCOMPARE(list()->model()->rowCount(), 3);
    QCOMPARE(list()->selectionModel()->selectedRows().size(), 2);
    QCOMPARE(m_sidebar->chosenExperiments(), (Ids{m_alpha, m_gamma}));
    QCOMPARE(int(chosen.count()), signals);

    // Trashed elsewhere: it leaves the set.
    Store(m_db).runs().setExperimentLifecycle(m_alpha, Lifecycle::Deleted);
    m_model->reload();
    QTRY_COMPARE(m_sidebar->chosenExperiments(), Ids{m_gamma});
    QCOMPARE(lastChosen(), Ids{m_gamma});

    // Chosen from code: several, the first current.
    m_sidebar->selectExperiments({m_beta, m_gamma});
    QCOMPARE(m_sidebar->currentExperiment(), m_beta);
    QCOMPARE(lastChosen(), (Ids{m_beta, m_gamma}));
    m_sidebar->selectExperiment(m_gamma);
    QCOMPARE(lastChosen(), Ids{m_gamma});
}

QModelIndex TestExperimentSidebar::rowNamed(const QString &name) const
{
    const QAbstractItemModel *m = list()->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, 0).data().toString() == name)
            return m->index(r, 0);
    }
    return {};
}

void TestExperimentSidebar::click(const QModelIndex &index)
{
    QVERIFY(index.isValid());
    QTest::mouseClick(list()->viewport(), Qt::LeftButton, {}, list()->visualRect(index).center());
    QCOMPARE(list()->currentIndex(), index);
}

ExperimentDialog *TestExperimentSidebar::waitForDialog(QWidget *owner)
{
    ExperimentDialog *found = nullptr;
    (void)QTest::qWaitFor([&] {
        for (ExperimentDialog *d : owner->findChildren<ExperimentDialog *>()) {
            if (d->isVisible())
                found = d;
        }
        return found != nullptr;
    });
    if (found) {
        // A window manager activates a new dialog; the offscreen platform needs to be asked, after the
        // context menu that opened it has given the activation back.
        (void)QTest::qWaitFor([] { return QApplication::activePopupWidget() == nullptr; });
        QTest::qWait(0);
        found->activateWindow();
        if (!QTest::qWaitForWindowActive(found))
            qWarning("the dialog did not become active");
    }
    return found;
}

QMenu *TestExperimentSidebar::openContextMenu(const QModelIndex &index)
{
    const QPoint pos = list()->visualRect(index).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, list()->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(list()->viewport(), &event);
    QMenu *menu = nullptr;
    (void)QTest::qWaitFor(
        [&] { return (menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) != nullptr; });
    return menu;
}

std::optional<Experiment> TestExperimentSidebar::stored(ExperimentId id) const
{
    Store store(m_db);
    return store.runs().experiment(id);
}

QString TestExperimentSidebar::notice() const
{
    auto *label = m_sidebar->findChild<QLabel *>(QStringLiteral("sidebarNotice"));
    return label && label->isVisible() ? label->text() : QString();
}

static QPushButton *okButton(ExperimentDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

void TestExperimentSidebar::createFromPlusButton()
{
    // A search that would hide the new experiment: it is cleared so that the new one shows, chosen.
    QTest::keyClicks(m_sidebar->findChild<QLineEdit *>(QStringLiteral("experimentSearch")),
                     QStringLiteral("alp"));
    QCOMPARE(list()->model()->rowCount(), 1);
    QSignalSpy chosen(m_sidebar.get(), &ExperimentSidebar::experimentChosen);
    QVERIFY(chosen.isValid());

    auto *plus = m_sidebar->findChild<QToolButton *>(QStringLiteral("newExperimentButton"));
    QVERIFY(plus);
    QTest::mouseClick(plus, Qt::LeftButton);
    QPointer<ExperimentDialog> dialog = waitForDialog(m_sidebar.get());
    QVERIFY(dialog);
    QCOMPARE(dialog->mode(), ExperimentDialog::Mode::Create);
    QVERIFY(!okButton(dialog)->isEnabled()); // no name yet
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("experimentName"));
    auto *description = dialog->findChild<QPlainTextEdit *>(QStringLiteral("experimentDescription"));
    QVERIFY(name && description);
    QTest::keyClicks(name, QStringLiteral("  delta "));
    QVERIFY(okButton(dialog)->isEnabled());
    QTest::keyClicks(description, QStringLiteral("## Goal"));
    QTest::keyClick(description, Qt::Key_Return); // a new line, not OK
    QVERIFY(dialog->isVisible());
    QTest::keyClicks(description, QStringLiteral("Try *dropout*."));
    QTest::mouseClick(okButton(dialog), Qt::LeftButton);

    QTRY_VERIFY(!dialog);
    Store store(m_db);
    const auto delta = store.runs().experimentByName(QStringLiteral("delta"));
    QVERIFY(delta);
    QCOMPARE(delta->description, QStringLiteral("## Goal\nTry *dropout*."));
    QCOMPARE(delta->lifecycle, Lifecycle::Active);
    QCOMPARE(m_sidebar->currentExperiment(), delta->id);
    const QModelIndex current = list()->currentIndex();
    QCOMPARE(current.data().toString(), QStringLiteral("delta"));
    QVERIFY(list()->selectionModel()->isSelected(current));
    QCOMPARE(current.data(DescriptionRole).toString(), delta->description);
    QCOMPARE(ExperimentDelegate::summaryLine(delta->description), QStringLiteral("Goal"));
    QCOMPARE(list()->model()->rowCount(), 4); // the search was cleared
    QCOMPARE(chosen.last().first().toLongLong(), delta->id);
    QVERIFY(m_status->last().first().toString().contains(QLatin1String("Created experiment 'delta'")));
}

void TestExperimentSidebar::dialogRefusesTakenNames()
{
    m_sidebar->createExperiment();
    QPointer<ExperimentDialog> dialog = waitForDialog(m_sidebar.get());
    QVERIFY(dialog);
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("experimentName"));
    auto *reason = dialog->findChild<QLabel *>(QStringLiteral("nameProblem"));
    QVERIFY(name && reason);
    QVERIFY(!okButton(dialog)->isEnabled());
    QVERIFY(reason->isVisible());
    QVERIFY2(reason->text().contains(QLatin1String("Enter a name")), qPrintable(reason->text()));

    struct Case
    {
        const char *typed;
        const char *why;
    };
    for (const Case &c : {Case{"beta", "already exists"}, Case{" gamma  ", "already exists"},
                          Case{"old", "is in the trash"}}) {
        name->clear();
        QTest::keyClicks(name, QString::fromLatin1(c.typed));
        QVERIFY2(!okButton(dialog)->isEnabled(), c.typed);
        QVERIFY2(reason->isVisible() && reason->text().contains(QLatin1String(c.why)),
                 qPrintable(reason->text()));
        QTest::keyClick(name, Qt::Key_Return); // Enter does not get past a disabled OK
        QVERIFY(dialog->isVisible());
        QVERIFY(!dialog->isBusy());
    }
    name->clear();
    QTest::keyClicks(name, QStringLiteral("Beta")); // names are case-sensitive, as in the store and MLflow
    QVERIFY(okButton(dialog)->isEnabled());
    QVERIFY(reason->isHidden());

    // A name taken behind the list's back: only the store can tell. Its Conflict shows in the dialog, which
    // stays open with what was typed.
    {
        Store store(m_db);
        store.runs().createExperiment(QStringLiteral("taken-late"));
    }
    name->clear();
    QTest::keyClicks(name, QStringLiteral("taken-late"));
    QVERIFY(okButton(dialog)->isEnabled());
    QTest::keyClick(name, Qt::Key_Return);
    QVERIFY(dialog->isBusy());
    QVERIFY(!okButton(dialog)->isEnabled());
    QTRY_VERIFY(!dialog->isBusy());
    QVERIFY(dialog->isVisible());
    QVERIFY2(reason->isVisible() && reason->text().contains(QLatin1String("'taken-late' already exists")),
             qPrintable(reason->text()));
    QCOMPARE(name->text(), QStringLiteral("taken-late"));
    QVERIFY(!name->isReadOnly());
    QCOMPARE(Store(m_db).runs().experiments(true).size(), size_t(5));
    // The list reloaded after the refusal: now the dialog knows the name without asking the store.
    QTRY_VERIFY(!m_model->nameProblem(QStringLiteral("taken-late")).isEmpty());
    QTest::keyClick(name, Qt::Key_Backspace);
    QTest::keyClicks(name, QStringLiteral("e"));
    QVERIFY(!okButton(dialog)->isEnabled());
    QVERIFY(reason->text().contains(QLatin1String("already exists")));

    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
    QTRY_VERIFY(!dialog);
    QCOMPARE(Store(m_db).runs().experiments(true).size(), size_t(5));
}

void TestExperimentSidebar::renameInPlaceWithF2()
{
    QSignalSpy renamed(m_model.get(), &ExperimentListModel::experimentRenamed);
    QVERIFY(renamed.isValid());
    click(rowNamed(QStringLiteral("alpha")));
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_F2);
    QLineEdit *editor = nullptr;
    QTRY_VERIFY((editor = list()->viewport()->findChild<QLineEdit *>()) && editor->isVisible());
    QCOMPARE(editor->text(), QStringLiteral("alpha"));
    editor->selectAll();
    QTest::keyClicks(editor, QStringLiteral("alpha-renamed "));
    QTest::keyClick(editor, Qt::Key_Return);

    QTRY_COMPARE(renamed.count(), 1);
    QCOMPARE(stored(m_alpha)->name, QStringLiteral("alpha-renamed"));
    QCOMPARE(rowNamed(QStringLiteral("alpha-renamed")).data(ExperimentIdRole).toLongLong(), m_alpha);
    QCOMPARE(m_sidebar->currentExperiment(), m_alpha); // still chosen
    QVERIFY(list()->selectionModel()->isSelected(list()->currentIndex()));
    QVERIFY(
        m_status->last().first().toString().contains(QLatin1String("Renamed 'alpha' to 'alpha-renamed'")));
    QVERIFY(notice().isEmpty());
}

void TestExperimentSidebar::renameToTakenNameRestoresOldName()
{
    click(rowNamed(QStringLiteral("alpha")));
    const auto renameTo = [this](const QString &name) {
        list()->setFocus();
        QTest::keyClick(list(), Qt::Key_F2);
        QLineEdit *editor = nullptr;
        QTRY_VERIFY((editor = list()->viewport()->findChild<QLineEdit *>()) && editor->isVisible());
        editor->selectAll();
        QTest::keyClicks(editor, name);
        QTest::keyClick(editor, Qt::Key_Return);
    };
    // Every name the row shows, to see the optimistic rename that the store later refuses.
    QStringList shown;
    connect(m_model.get(), &QAbstractItemModel::dataChanged, this, [&](const QModelIndex &from) {
        if (from.data(ExperimentIdRole).toLongLong() == m_alpha)
            shown << from.data().toString();
    });
    // Known to be taken from the loaded list: refused at once, nothing written.
    renameTo(QStringLiteral("beta"));
    QTRY_VERIFY2(notice().contains(QLatin1String("'beta' already exists")), qPrintable(notice()));
    QCOMPARE(rowNamed(QStringLiteral("alpha")).data(ExperimentIdRole).toLongLong(), m_alpha);
    QVERIFY(m_status->last().first().toString().contains(QLatin1String("already exists")));
    renameTo(QStringLiteral("old"));
    QTRY_VERIFY2(notice().contains(QLatin1String("is in the trash")), qPrintable(notice()));
    QCOMPARE(stored(m_alpha)->name, QStringLiteral("alpha"));
    QVERIFY(shown.isEmpty());

    // Taken behind the list's back: the new name shows, the store refuses, the old name comes back.
    {
        Store store(m_db);
        store.runs().createExperiment(QStringLiteral("late"));
    }
    QSignalSpy failed(m_model.get(), &ExperimentListModel::writeFailed);
    QVERIFY(failed.isValid());
    QString nameWhenRefused; // the old name is back by the time the refusal is announced, not only on reload
    connect(m_model.get(), &ExperimentListModel::writeFailed, this,
            [&] { nameWhenRefused = m_model->index(m_model->rowOf(m_alpha)).data().toString(); });
    renameTo(QStringLiteral("late"));
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(shown.value(0), QStringLiteral("late")); // shown before the store answered
    QCOMPARE(shown.value(1), QStringLiteral("alpha"));
    QCOMPARE(nameWhenRefused, QStringLiteral("alpha"));
    QVERIFY(failed.first().at(0).toULongLong() != 0);
    QCOMPARE(list()->currentIndex().data().toString(), QStringLiteral("alpha"));
    QVERIFY2(notice().contains(QLatin1String("'late' already exists")), qPrintable(notice()));
    QCOMPARE(stored(m_alpha)->name, QStringLiteral("alpha"));
    QTRY_VERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 4); // the reload after the refusal shows "late"
    QCOMPARE(m_sidebar->currentExperiment(), m_alpha);
}

void TestExperimentSidebar::editDescriptionFromContextMenu()
{
    const int singleLine = list()->visualRect(rowNamed(QStringLiteral("beta"))).height();
    QVERIFY(list()->visualRect(rowNamed(QStringLiteral("alpha"))).height() > singleLine); // second line
    QMenu *menu = openContextMenu(rowNamed(QStringLiteral("beta")));
    QVERIFY(menu);
    QCOMPARE(m_sidebar->currentExperiment(), m_beta); // the menu acts on the row it was opened on
    QStringList texts;
    QAction *describe = nullptr;
    for (QAction *a : menu->actions()) {
        texts << a->text();
        if (a->objectName() == QLatin1String("describeExperimentAction"))
            describe = a;
    }
    QVERIFY2(texts.contains(QStringLiteral("&Rename…")) && texts.contains(QStringLiteral("Move to &Trash")),
             qPrintable(texts.join(QLatin1Char('|'))));
    QVERIFY(!texts.contains(QStringLiteral("Re&store")));
    QVERIFY(describe && describe->isEnabled());
    QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(describe).center());

    QPointer<ExperimentDialog> dialog = waitForDialog(m_sidebar.get());
    QVERIFY(dialog);
    QCOMPARE(dialog->mode(), ExperimentDialog::Mode::Describe);
    QCOMPARE(dialog->name(), QStringLiteral("beta"));
    auto *description = dialog->findChild<QPlainTextEdit *>(QStringLiteral("experimentDescription"));
    QVERIFY(description->toPlainText().isEmpty());
    QTest::keyClicks(description, QStringLiteral("Ablation of the *warm-up* <b>schedule</b>"));
    QTest::keyClick(description, Qt::Key_Return, Qt::ControlModifier); // Ctrl+Enter saves
    QTRY_VERIFY(!dialog);

    const QString text = QStringLiteral("Ablation of the *warm-up* <b>schedule</b>");
    QCOMPARE(stored(m_beta)->description, text);
    const QModelIndex beta = rowNamed(QStringLiteral("beta"));
    QCOMPARE(beta.data(DescriptionRole).toString(), text);
    const QString tip = beta.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(text.toHtmlEscaped()), qPrintable(tip)); // shown as written, not as markup
    QVERIFY(list()->visualRect(beta).height() > singleLine);
    QCOMPARE(m_sidebar->currentExperiment(), m_beta);
    QVERIFY(m_status->last().first().toString().contains(QLatin1String("description of 'beta'")));

    // Cleared again: back to one line.
    m_sidebar->describeCurrent();
    dialog = waitForDialog(m_sidebar.get());
    QVERIFY(dialog);
    dialog->findChild<QPlainTextEdit *>(QStringLiteral("experimentDescription"))->clear();
    okButton(dialog)->click();
    QTRY_VERIFY(!dialog);
    QTRY_COMPARE(stored(m_beta)->description, QString());
    QTRY_COMPARE(list()->visualRect(rowNamed(QStringLiteral("beta"))).height(), singleLine);
}

void TestExperimentSidebar::trashShowTrashAndRestore()
{
    QSignalSpy deletedChanged(m_model.get(), &ExperimentListModel::deletedChanged);
    QVERIFY(deletedChanged.isValid());
    // Reloads merge: rows come and go one by one, never a reset that would drop selection and editors.
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    click(rowNamed(QStringLiteral("beta")));
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_Delete);
    QTRY_COMPARE(deletedChanged.count(), 1);
    QCOMPARE(stored(m_beta)->lifecycle, Lifecycle::Deleted);
    QVERIFY(!rowNamed(QStringLiteral("beta")).isValid());
    QCOMPARE(list()->model()->rowCount(), 2);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 1); // beta's row
    // The selection moved to a neighbour, and the runs shown follow it.
    const ExperimentId neighbour = m_sidebar->currentExperiment();
    QVERIFY(neighbour == m_alpha || neighbour == m_gamma);
    QVERIFY(list()->selectionModel()->isSelected(list()->currentIndex()));
    QVERIFY2(notice().contains(QLatin1String("Moved 'beta' to the trash")), qPrintable(notice()));
    QVERIFY(notice().contains(QLatin1String("href=\"undo\"")));
    QCOMPARE(m_status->last().first().toString(), QStringLiteral("Moved 'beta' to the trash"));

    // Show Trash lists the trashed ones too, marked; nothing about them is editable.
    auto *trash = m_sidebar->findChild<QToolButton *>(QStringLiteral("showTrashButton"));
    QVERIFY(trash && trash->isCheckable());
    QTest::mouseClick(trash, Qt::LeftButton);
    QVERIFY(m_sidebar->isShowingTrash());
    QTRY_COMPARE(list()->model()->rowCount(), 4);
    QTRY_VERIFY(!m_model->isLoading());
    QCOMPARE(m_sidebar->currentExperiment(), neighbour); // the selection survived the new rows
    QCOMPARE(inserted.count(), 2);                       // beta between alpha and gamma, old at the end
    const QModelIndex beta = rowNamed(QStringLiteral("beta"));
    QVERIFY(beta.data(DeletedRole).toBool());
    QVERIFY(rowNamed(QStringLiteral("old")).data(DeletedRole).toBool());
    QVERIFY(!(beta.flags() & Qt::ItemIsEditable));
    QVERIFY(beta.data(Qt::ToolTipRole).toString().contains(QLatin1String("in the trash")));
    click(beta);
    QCOMPARE(m_sidebar->currentExperiment(), m_beta);
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_F2);
    QTest::keyClick(list(), Qt::Key_Delete);
    QVERIFY(!list()->viewport()->findChild<QLineEdit *>());
    QCOMPARE(deletedChanged.count(), 1);

    QMenu *menu = openContextMenu(beta);
    QVERIFY(menu);
    QAction *restore = nullptr;
    for (QAction *a : menu->actions()) {
        QVERIFY2(a->objectName() != QLatin1String("renameExperimentAction") &&
                     a->objectName() != QLatin1String("trashExperimentAction"),
                 qPrintable(a->text()));
        if (a->objectName() == QLatin1String("restoreExperimentAction"))
            restore = a;
    }
    QVERIFY(restore && restore->isEnabled());
    QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(restore).center());
    QTRY_COMPARE(deletedChanged.count(), 2);
    QCOMPARE(deletedChanged.last().at(2).toBool(), false);
    QCOMPARE(stored(m_beta)->lifecycle, Lifecycle::Active);
    QVERIFY(!rowNamed(QStringLiteral("beta")).data(DeletedRole).toBool());
    QVERIFY(rowNamed(QStringLiteral("beta")).flags() & Qt::ItemIsEditable);
    QCOMPARE(m_sidebar->currentExperiment(), m_beta);
    QCOMPARE(m_status->last().first().toString(), QStringLiteral("Restored 'beta'"));

    // Hiding the trash again.
    QTest::mouseClick(trash, Qt::LeftButton);
    QTRY_COMPARE(list()->model()->rowCount(), 3);
    QVERIFY(!rowNamed(QStringLiteral("old")).isValid());
    QCOMPARE(m_sidebar->currentExperiment(), m_beta);
    QCOMPARE(resets.count(), 0);
}

void TestExperimentSidebar::undoMovesBackFromTrash()
{
    click(rowNamed(QStringLiteral("gamma")));
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_Delete);
    QTRY_COMPARE(stored(m_gamma)->lifecycle, Lifecycle::Deleted);
    QTRY_VERIFY(!rowNamed(QStringLiteral("gamma")).isValid());
    QCOMPARE(m_sidebar->currentExperiment(), m_beta); // the last row went: the one above it
    auto *label = m_sidebar->findChild<QLabel *>(QStringLiteral("sidebarNotice"));
    QTRY_VERIFY(label->isVisible());
    Q_EMIT label->linkActivated(QStringLiteral("undo")); // what clicking the notice's Undo link does
    QTRY_COMPARE(stored(m_gamma)->lifecycle, Lifecycle::Active);
    QTRY_COMPARE(m_sidebar->currentExperiment(), m_gamma); // back where it was
    QVERIFY(!label->isVisible());
}

void TestExperimentSidebar::noExperimentIsNeverEdited()
{
    // Id 0 is "no experiment" (all runs): the model refuses it with a message and writes nothing.
    QSignalSpy failed(m_model.get(), &ExperimentListModel::writeFailed);
    QVERIFY(failed.isValid());
    QCOMPARE(m_model->setDeleted(0, true), quint64(0));
    QCOMPARE(m_model->rename(0, QStringLiteral("x")), quint64(0));
    QCOMPARE(m_model->setDescription(0, QStringLiteral("x")), quint64(0));
    QCOMPARE(failed.count(), 3);
    QVERIFY(failed.first().at(2).toString().contains(QLatin1String("Choose an experiment")));
    QVERIFY(!m_model->isLoading());
    // A trashed experiment is refused too, before the store is asked.
    QCOMPARE(m_model->rename(m_old, QStringLiteral("x")), quint64(0));
    QVERIFY(failed.last().at(2).toString().contains(QLatin1String("in the trash")));
    QCOMPARE(Store(m_db).runs().experiments(true).size(), size_t(4));

    // An empty database: nothing chosen (0, all runs), nothing to rename or delete; + still works.
    const QString emptyDb = m_dir->filePath(QStringLiteral("empty.db"));
    StoreWorker worker(emptyDb);
    ExperimentListModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ExperimentSidebar sidebar(&model);
    QSignalSpy chosen(&sidebar, &ExperimentSidebar::experimentChosen);
    sidebar.show();
    sidebar.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&sidebar));
    model.reload();
    QTRY_COMPARE(chosen.count(), 1);
    QCOMPARE(chosen.first().first().toLongLong(), qint64(0));
    QCOMPARE(sidebar.currentExperiment(), 0);
    for (const char *name : {"renameExperimentAction", "describeExperimentAction", "trashExperimentAction",
                             "restoreExperimentAction"})
        QVERIFY2(!sidebar.findChild<QAction *>(QLatin1String(name))->isEnabled(), name);
    auto *emptyList = sidebar.findChild<QListView *>(QStringLiteral("experimentList"));
    emptyList->setFocus();
    QTest::keyClick(emptyList, Qt::Key_Delete);
    QTest::keyClick(emptyList, Qt::Key_F2);
    sidebar.createExperiment();
    QPointer<ExperimentDialog> dialog = waitForDialog(&sidebar);
    QVERIFY(dialog);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("experimentName")),
                     QStringLiteral("first"));
    okButton(dialog)->click();
    QTRY_VERIFY(!dialog);
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(sidebar.currentExperiment() > 0);
    QCOMPARE(chosen.last().first().toLongLong(), sidebar.currentExperiment());
}

void TestExperimentSidebar::mainWindowFileMenu()
{
    m_sidebar->hide();
    MainWindow window(m_db);
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(!window.isLoading());
    QAction *action = nullptr;
    for (QAction *a : window.menuBar()->actions().first()->menu()->actions()) {
        if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N))
            action = a;
    }
    QVERIFY(action);
    QCOMPARE(action->text(), QStringLiteral("&New Experiment…"));
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    QPointer<ExperimentDialog> dialog = waitForDialog(window.sidebar());
    QVERIFY(dialog);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("experimentName")),
                     QStringLiteral("from-menu"));
    QTest::keyClick(dialog->findChild<QLineEdit *>(QStringLiteral("experimentName")), Qt::Key_Return);
    QTRY_VERIFY(!dialog);
    QTRY_VERIFY(
        window.statusBar()->currentMessage().contains(QLatin1String("Created experiment 'from-menu'")));
    QVERIFY(Store(m_db).runs().experimentByName(QStringLiteral("from-menu")));
    QTRY_COMPARE(window.sidebar()->currentExperiment(),
                 Store(m_db).runs().experimentByName(QStringLiteral("from-menu"))->id);
}

QTEST_MAIN(TestExperimentSidebar)
#include "tst_experimentsidebar.moc"
