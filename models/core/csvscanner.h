// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// RFC 4180 records, split without copying: the CSV logs the importer reads and the CSV/TSV artifacts the run
// page previews share it, so that both agree on quotes, doubled quotes and line ends.

#include <algorithm>
#include <cstring>
#include <QByteArrayView>
#include <QtGlobal>
#include <string>
#include <vector>

namespace runlens {

struct CsvField
{
    const char *p = nullptr;
    qsizetype n = 0;
    qsizetype scratch = -1; // offset in the scanner's scratch buffer while the record is being read

    const char *end() const { return p + n; }
    QByteArrayView view() const { return {p, n}; }
};

// Splits a buffer into records of fields without copying, except fields that hold doubled quotes or text
// after the closing quote. Only the first maxFields fields of a record are kept (the rest are counted), so a
// line of a million separators costs no memory.
class CsvScanner
{
public:
    enum class Result { Record, End, Unterminated };

    CsvScanner(const char *begin, const char *end, char sep)
        : m_p(begin)
        , m_end(end)
        , m_sep(sep)
    {
        if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0)
            m_p += 3;
    }

    Result next(std::vector<CsvField> &fields, qsizetype maxFields, qsizetype &count)
    {
        fields.clear();
        m_scratch.clear();
        count = 0;
        if (m_p >= m_end)
            return Result::End;
        m_recordLine = m_line;
        for (;;) {
            const bool keep = count < maxFields;
            CsvField f;
            if (m_p < m_end && *m_p == '"') {
                if (!quoted(f, keep))
                    return Result::Unterminated;
            } else {
                const char *s = m_p;
                const char sep = m_sep;
                while (m_p < m_end) {
                    const char c = *m_p;
                    if (c == sep || c == '\n' || c == '\r')
                        break;
                    ++m_p;
                }
                f.p = s;
                f.n = m_p - s;
            }
            if (keep)
                fields.push_back(f);
            ++count;
            if (m_p >= m_end)
                break;
            const char c = *m_p++;
            if (c == m_sep)
                continue;
            if (c == '\r' && m_p < m_end && *m_p == '\n')
                ++m_p;
            ++m_line;
            break;
        }
        for (CsvField &f : fields)
            if (f.scratch >= 0)
                f.p = m_scratch.data() + f.scratch;
        return Result::Record;
    }

    qint64 recordLine() const { return m_recordLine; }

private:
    bool quoted(CsvField &f, bool keep)
    {
        ++m_p; // the opening quote
        const char *s = m_p;
        qsizetype off = -1; // set once the field needs the scratch buffer
        auto toScratch = [&](const char *upTo) {
            if (off < 0 && keep) {
                off = qsizetype(m_scratch.size());
                m_scratch.append(s, upTo);
            }
        };
        for (;;) {
            const char *q = static_cast<const char *>(std::memchr(m_p, '"', size_t(m_end - m_p)));
            const char *stop = q ? q : m_end;
            m_line += std::count(m_p, stop, '\n');
            if (!q) {
                m_p = m_end;
                return false;
            }
            if (q + 1 < m_end && q[1] == '"') { // a doubled quote stands for one
                if (off < 0)
                    toScratch(q + 1);
                else if (keep)
                    m_scratch.append(m_p, q + 1);
                m_p = q + 2;
                continue;
            }
            if (off >= 0)
                m_scratch.append(m_p, q);
            const char *closing = q;
            m_p = q + 1;
            const char *t = m_p; // text after the closing quote is kept, as most readers do
            while (m_p < m_end && *m_p != m_sep && *m_p != '\n' && *m_p != '\r')
                ++m_p;
            if (m_p > t && keep) {
                toScratch(closing);
                m_scratch.append(t, m_p);
            }
            if (off >= 0) {
                f.scratch = off;
                f.n = qsizetype(m_scratch.size()) - off;
            } else {
                f.p = s;
                f.n = closing - s;
            }
            return true;
        }
    }

    const char *m_p;
    const char *m_end;
    char m_sep;
    qint64 m_line = 1;
    qint64 m_recordLine = 1;
    std::string m_scratch;
};

} // namespace runlens
