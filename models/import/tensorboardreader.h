// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads TensorBoard logs (event files, plus Lightning's hparams.yaml) into the import IR of importsource.h:
// one SourceRun per folder that directly holds event files, scalars as metrics, hparams and the Hugging Face
// Trainer's `args` and `model_config` text summaries as params, everything else (histograms, images, audio,
// other text, graphs, run metadata) counted as skipped. An event file is, as TensorBoard has it, any file
// whose name contains "tfevents": events.out.tfevents.<time>.<host>..., and CatBoost's bare
// events.out.tfevents.
// Damaged files never abort the import: corrupt records are skipped, counted and reported per file, and a
// file whose garbage outgrows both 1 MiB and its intact records is read no further (reported with the
// offset).

#include "import/importsource.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace runlens::import {

// True when path is an event file (its name contains "tfevents") or a folder containing one at any depth.
bool looksLikeTensorBoard(const QString &path);

// Reads a TensorBoard log folder (or one event file). Each folder that directly contains event files is one
// run; its files are read in name order. Throws runlens::Error only when
// path cannot be read at all (missing, unreadable, or a folder without any event file).
//
// Runs are delivered children first (post-order), so that the hparams of a torch add_hparams sub-run
// (run/<name>/ holding only the hparams session) can also be given to its parent run when the parent has no
// params of its own. Params from hparams.yaml take precedence over hparams summaries in the event files, and
// those over the Trainer's text summaries: `args/text_summary` (TrainingArguments) gives its keys as they
// are, nested objects flattened with ".", and `model_config/text_summary` the same under "model_config.";
// values as the JSON text wrote them (lists as compact JSON). A text that is not such JSON, or larger than 1
// MiB, is warned about (file and tag) and the rest of the run imported.
void readTensorBoard(const QString &path, ImportSink &sink);

// What reading one event file cost. Whatever the bytes, bytesChecksummed stays below 11 times the input's
// size plus 1 MiB: 8 per offset tried as a header, the intact records once, and data checked in vain, which
// is paid from an allowance of 1 MiB plus one byte per byte consumed, overdrawn by one record at most.
struct EventReadStats
{
    qint64 bytesConsumed = 0;    // of the input, up to where reading ended
    qint64 bytesChecksummed = 0; // fed to CRC-32C: headers and record data, intact or not
    qint64 damagedBytes = 0;     // slid over inside damaged stretches
    qint64 uncheckedHeaders = 0; // headers taken for damage unread because the allowance was overdrawn
    // The garbage (damaged bytes that no header with a valid length CRC claims) outgrew 1 MiB and the
    // intact records: the rest was not read.
    bool gaveUp = false;
};

// Decodes the bytes of one event file as readTensorBoard does (framing, both CRCs, summaries, hparams),
// appending metrics and params to run, widening run.startMs/endMs, and reporting skip counts and warnings
// (under fileName) to sink. For tests and fuzzing; never throws. stats, when given, receives the cost.
void readTensorBoardEvents(const QByteArray &bytes, const QString &fileName, SourceRun &run, ImportSink &sink,
                           EventReadStats *stats = nullptr);

// CRC-32C (Castagnoli), as used by TFRecord framing, and TFRecord's masking of it. Exposed for tests that
// build event files.
quint32 crc32c(QByteArrayView data);
quint32 maskCrc32c(quint32 crc);

} // namespace runlens::import
