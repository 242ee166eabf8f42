// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small helpers shared by the test suites.

#include <atomic>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTest>
#include <semaphore>
#include <thread>

namespace runlens::test {

// The sha256 of a file's bytes, lowercase hex (streamed); empty when it cannot be read.
inline QByteArray fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

// Every file under `root` (hidden and special ones too), relative and sorted.
inline QStringList filesUnder(const QString &root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(root).relativeFilePath(it.next());
    files.sort();
    return files;
}

// RFC 4180, written independently of the product's CSV code so that it checks it: quoted fields may hold
// commas, doubled quotes and line breaks; a CR before a line end is dropped.
inline QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false, any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        any = true;
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
        } else if (c == u'\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            any = false;
        } else if (c != u'\r') {
            field += c;
        }
    }
    if (any) {
        row << field;
        rows << row;
    }
    return rows;
}

// Copies a fixture tree and makes the copy writable: tests never write into tests/fixtures.
inline bool copyTree(const QString &from, const QString &to)
{
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), from, to});
    if (!cp.waitForFinished(60000) || cp.exitCode() != 0)
        return false;
    QProcess chmod;
    chmod.start(QStringLiteral("chmod"), {QStringLiteral("-R"), QStringLiteral("u+w"), to});
    return chmod.waitForFinished(60000) && chmod.exitCode() == 0;
}

// Forgets what the window remembered (last experiment, columns, recent databases): each test starts afresh.
// Suites point XDG_CONFIG_HOME into their temporary folder first, so this never touches the user's settings.
inline void forgetSettings()
{
    QSettings(QStringLiteral("runlens"), QStringLiteral("runlens")).clear();
}

// Waits until a lazy model has fetched every row (views fetch only what they show).
template<typename Model> bool fetchAll(Model *model, int timeoutMs = 30000)
{
    return QTest::qWaitFor(
        [model] {
            if (model->canFetchMore({}))
                model->fetchMore({});
            return !model->canFetchMore({}) && !model->isLoading();
        },
        timeoutMs);
}

// Holds a database's write lock from a thread of its own (as another process writing would) until
// release(): writes sent meanwhile wait in SQLite's busy handler and queue up behind one another, so a test
// can close a window while its writes are still queued, deterministically.
class WriteLockHolder
{
public:
    explicit WriteLockHolder(const QString &path)
        : m_thread([this, path] { hold(path); })
    {
        m_locked.acquire();
    }
    ~WriteLockHolder()
    {
        release();
        m_thread.join();
    }
    bool isLocked() const { return m_ok; }
    void release()
    {
        if (!m_released.exchange(true))
            m_release.release();
    }

private:
    void hold(const QString &path)
    {
        const QString name = QStringLiteral("write-lock-holder");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            m_ok = db.open() && QSqlQuery(db).exec(QStringLiteral("BEGIN IMMEDIATE"));
            m_locked.release();
            m_release.acquire();
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    std::binary_semaphore m_locked{0}, m_release{0};
    std::atomic<bool> m_released{false};
    bool m_ok = false;
    std::thread m_thread;
};

// Writes a file (and the folders above it) for a test's input.
inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A file's bytes; empty when it cannot be read.
inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Runs SQL on a database through QtSql directly, bypassing the store, as another program (or the author of a
// hostile file) would. Returns the first error, or an empty string.
inline QString execSql(const QString &path, const QStringList &statements)
{
    static std::atomic<int> counter = 0;
    const QString name = QStringLiteral("testsupport-sql-%1").arg(++counter);
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            for (const QString &sql : statements) {
                QSqlQuery q(db);
                if (!q.exec(sql)) {
                    error = sql + QStringLiteral(": ") + q.lastError().text();
                    break;
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

} // namespace runlens::test
