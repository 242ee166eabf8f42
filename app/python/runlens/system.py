# SPDX-License-Identifier: GPL-3.0-or-later
"""System metrics for a run: CPU, memory, disk, network and NVIDIA GPUs, sampled on a daemon thread.

Pure standard library. Everything comes from /proc, os.statvfs and one long-lived ``nvidia-smi -l`` child, so a
sample costs a few file reads (well under a millisecond) and never spawns a process.

Key names are MLflow's where MLflow has one (mlflow/system_metrics/metrics/*.py), so runs imported from MLflow and
runs logged here land in the same "system" section; the keys MLflow lacks follow the same style. MB is 10^6 bytes,
as in MLflow.

    system/cpu_utilization_percentage                 CPU busy time since the previous sample, all cores, 0-100
    system/system_memory_usage_megabytes              MemTotal - MemAvailable
    system/system_memory_usage_percentage
    system/disk_usage_megabytes                       of disk_path (statvfs), as df's "Used"
    system/disk_available_megabytes                   available to an unprivileged user, as df's "Avail"
    system/disk_usage_percentage                      used / (used + available), as df's "Use%"
    system/disk_read_megabytes                        read from whole disks since the sampler started
    system/disk_write_megabytes
    system/disk_read_megabytes_per_second             since the previous sample
    system/disk_write_megabytes_per_second
    system/network_receive_megabytes                  all interfaces but lo, since the sampler started (as MLflow)
    system/network_transmit_megabytes
    system/network_receive_megabytes_per_second
    system/network_transmit_megabytes_per_second
    system/gpu_<i>_utilization_percentage
    system/gpu_<i>_memory_usage_megabytes
    system/gpu_<i>_memory_usage_percentage
    system/gpu_<i>_temperature_celsius
    system/gpu_<i>_power_usage_watts                  when the GPU reports it
    system/gpu_<i>_power_usage_percentage             of the enforced power limit, when both are reported

Rates and CPU % need two readings; the first sample after start() has only the gauges.
"""

import os
import re
import shutil
import subprocess
import threading
import time

__all__ = ["SystemMetrics"]

PREFIX = "system/"
MEGABYTE = 1e6
MEBIBYTE = 1024.0 * 1024.0
SECTOR_BYTES = 512  # /proc/diskstats counts 512-byte sectors whatever the device's sector size

# Block devices that are not disks, or sit on top of other disks (counting them would count a byte twice).
_NOT_A_DISK = re.compile(r"^(loop|ram|zram|dm-|md|fd|sr)")

# Fields asked of nvidia-smi, in this order. With "nounits" memory is in MiB, power in W, temperature in degrees C.
GPU_QUERY = "index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit"


_monotonic = time.monotonic  # a module attribute so tests can give rates an exact elapsed time


def _read(path):
    with open(path, "rb") as f:
        return f.read(1 << 20).decode("ascii", "replace")


def _cpu_times(proc):
    """(busy, total) jiffies from the aggregate line of /proc/stat."""
    for line in _read(os.path.join(proc, "stat")).splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            # user nice system idle iowait irq softirq steal [guest guest_nice]; guest time is already inside user
            # and nice, so only the first eight count.
            values = [int(v) for v in fields[1:9]]
            if len(values) < 4:
                raise ValueError("short cpu line")
            total = sum(values)
            idle = values[3] + (values[4] if len(values) > 4 else 0)
            return total - idle, total
    raise ValueError("no cpu line")


def _memory(proc):
    """(used bytes, total bytes) from /proc/meminfo."""
    info = {}
    for line in _read(os.path.join(proc, "meminfo")).splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            try:
                info[name] = int(parts[0]) * 1024
            except ValueError:
                pass
    total = info["MemTotal"]
    available = info.get("MemAvailable")
    if available is None:  # kernels before 3.14
        available = info.get("MemFree", 0) + info.get("Buffers", 0) + info.get("Cached", 0)
    if total <= 0:
        raise ValueError("MemTotal is not positive")
    return max(0, total - available), total


def _is_partition(name, names):
    """sda1 beside sda, nvme0n1p2 beside nvme0n1, mmcblk0p1 beside mmcblk0."""
    stem = name.rstrip("0123456789")
    if stem == name:
        return False
    if stem in names:
        return True
    return stem.endswith("p") and stem[:-1] in names


def _disk_bytes(proc):
    """{disk: (read bytes, written bytes)} for whole disks in /proc/diskstats."""
    rows = {}
    for line in _read(os.path.join(proc, "diskstats")).splitlines():
        fields = line.split()
        if len(fields) < 10:
            continue
        try:
            rows[fields[2]] = (int(fields[5]) * SECTOR_BYTES, int(fields[9]) * SECTOR_BYTES)
        except ValueError:
            continue
    if not rows:
        raise ValueError("no device line in diskstats")
    names = set(rows)
    return {n: v for n, v in rows.items() if not _NOT_A_DISK.match(n) and not _is_partition(n, names)}


def _network_bytes(proc):
    """{interface: (received bytes, transmitted bytes)} from /proc/net/dev, without lo."""
    result = {}
    interfaces = 0
    for line in _read(os.path.join(proc, "net", "dev")).splitlines():
        name, sep, rest = line.partition(":")
        name = name.strip()
        if not sep or not name or "|" in name:
            continue
        fields = rest.split()
        if len(fields) < 16:
            continue
        try:
            counters = (int(fields[0]), int(fields[8]))
        except ValueError:
            continue
        interfaces += 1
        if name != "lo":
            result[name] = counters
    if not interfaces:  # a file with no interface line at all is broken; one with only lo is a quiet machine
        raise ValueError("no interface line in net/dev")
    return result


def _sum_deltas(now, before):
    """Bytes moved since `before`, per column, over devices present in both readings.

    A counter that went backwards (a device removed and re-added, a wrap) contributes nothing rather than a huge
    negative or positive jump."""
    sums = [0, 0]
    for name, values in now.items():
        old = before.get(name)
        if old is None:
            continue
        for i in (0, 1):
            sums[i] += max(0, values[i] - old[i])
    return sums


def _number(text):
    """A float from an nvidia-smi CSV field, or None for "[N/A]", "[Not Supported]", empty or garbage."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def parse_gpu_line(line):
    """(index, {key: value}) from one line of `nvidia-smi --query-gpu=GPU_QUERY --format=csv,noheader,nounits`,
    or None when the line is not such a line."""
    fields = line.split(",")
    if len(fields) != len(GPU_QUERY.split(",")):
        return None
    index = _number(fields[0])
    if index is None or index < 0 or index != int(index):
        return None
    i = int(index)
    util, mem_used, mem_total, temp, power, limit = (_number(f) for f in fields[1:])
    values = {}
    if util is not None:
        values["gpu_%d_utilization_percentage" % i] = util
    if mem_used is not None:
        values["gpu_%d_memory_usage_megabytes" % i] = mem_used * MEBIBYTE / MEGABYTE
        if mem_total:
            values["gpu_%d_memory_usage_percentage" % i] = mem_used / mem_total * 100.0
    if temp is not None:
        values["gpu_%d_temperature_celsius" % i] = temp
    if power is not None:
        values["gpu_%d_power_usage_watts" % i] = power
        if limit:
            values["gpu_%d_power_usage_percentage" % i] = power / limit * 100.0
    return i, values


class _GpuReader:
    """One `nvidia-smi -l N` child and a daemon thread keeping the latest line per GPU.

    nvidia-smi initialises NVML on every start, which costs tens of milliseconds of CPU; kept running with -l it only
    queries the driver. If the child dies, its readings are dropped and no GPU keys are reported from then on."""

    def __init__(self, executable, interval):
        self._lock = threading.Lock()
        self._latest = {}
        self._child = subprocess.Popen(
            [executable, "--query-gpu=" + GPU_QUERY, "--format=csv,noheader,nounits",
             "-l", str(max(1, int(round(interval))))],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)  # a Ctrl-C meant for the trainer does not kill it mid-line
        self._thread = threading.Thread(target=self._run, name="runlens-nvidia-smi", daemon=True)
        self._thread.start()

    def _run(self):
        try:
            for raw in self._child.stdout:
                parsed = parse_gpu_line(raw.decode("ascii", "replace"))
                if parsed is not None:
                    with self._lock:
                        self._latest[parsed[0]] = parsed[1]
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._latest = {}
            try:
                self._child.wait(timeout=1)
            except Exception:
                pass

    def readings(self):
        with self._lock:
            merged = {}
            for i in sorted(self._latest):
                merged.update(self._latest[i])
            return merged

    def close(self, timeout):
        if self._child.poll() is None:
            try:
                self._child.terminate()
                self._child.wait(timeout=min(timeout, 2.0))
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
            except OSError:
                pass
        self._thread.join(timeout)
        if self._child.stdout is not None:
            self._child.stdout.close()


def _transfers(values, names, counters, start, before, elapsed):
    """A pair of byte counters (read/write, receive/transmit) as <name>_megabytes since the sampler started and
    <name>_megabytes_per_second since the previous reading (when there was one)."""
    totals = _sum_deltas(counters, start)
    rates = _sum_deltas(counters, before) if before is not None and elapsed > 0 else None
    for i, name in enumerate(names):
        values[name + "_megabytes"] = totals[i] / MEGABYTE
        if rates is not None:
            values[name + "_megabytes_per_second"] = rates[i] / MEGABYTE / elapsed


class SystemMetrics:
    """Samples system metrics every `interval` seconds and hands them to `sink(values, timestamp_ms)`.

    The sink is called from the sampler's daemon thread. No method raises into the caller because of a failed
    reading: a reading that fails (a missing or garbled file, nvidia-smi gone) is left out of that sample."""

    def __init__(self, sink, interval=10.0, *, proc="/proc", nvidia_smi=None, disk_path="/"):
        self._sink = sink
        self._interval = max(0.01, float(interval))
        self._proc = proc
        self._nvidia_smi = nvidia_smi if nvidia_smi is not None else shutil.which("nvidia-smi")
        self._disk_path = disk_path
        self._lock = threading.Lock()  # sample() may be called from any thread while the sampler runs
        self._stopping = threading.Event()
        self._thread = None
        self._gpu = None
        self._previous = None  # (monotonic seconds, cpu (busy, total), disks, networks)
        self._disk_start = None
        self._net_start = None

    def start(self):
        """Starts sampling: one sample now (gauges only), then one every interval. Calling it twice is harmless."""
        if self._thread is not None or self._stopping.is_set():
            return
        if self._nvidia_smi:
            try:
                self._gpu = _GpuReader(self._nvidia_smi, self._interval)
            except (OSError, ValueError, subprocess.SubprocessError):
                self._gpu = None
        self._thread = threading.Thread(target=self._run, name="runlens-system-metrics", daemon=True)
        self._thread.start()

    def stop(self, timeout=5.0):
        """Stops at once, without waiting out the interval, and ends the nvidia-smi child. Idempotent."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        gpu, self._gpu = self._gpu, None
        if gpu is not None:
            gpu.close(timeout)

    def sample(self):
        """One reading now, as {"system/...": value}; rates and CPU % are against the previous reading."""
        with self._lock:
            return self._sample_locked()

    def _sample_locked(self):
        values = {}
        now = _monotonic()
        previous = self._previous
        cpu = disks = nets = None
        elapsed = now - previous[0] if previous else 0.0

        try:
            cpu = _cpu_times(self._proc)
            if previous and previous[1]:
                busy = cpu[0] - previous[1][0]
                total = cpu[1] - previous[1][1]
                if total > 0 and busy >= 0:
                    values["cpu_utilization_percentage"] = min(100.0, busy / total * 100.0)
        except (OSError, ValueError, IndexError, KeyError):
            pass

        try:
            used, total = _memory(self._proc)
            values["system_memory_usage_megabytes"] = used / MEGABYTE
            values["system_memory_usage_percentage"] = used / total * 100.0
        except (OSError, ValueError, KeyError):
            pass

        try:
            st = os.statvfs(self._disk_path)
            used = (st.f_blocks - st.f_bfree) * st.f_frsize
            available = st.f_bavail * st.f_frsize
            values["disk_usage_megabytes"] = used / MEGABYTE
            values["disk_available_megabytes"] = available / MEGABYTE
            if used + available > 0:
                values["disk_usage_percentage"] = used / (used + available) * 100.0
        except (OSError, ValueError):
            pass

        try:
            disks = _disk_bytes(self._proc)
            if self._disk_start is None:
                self._disk_start = disks
            _transfers(values, ("disk_read", "disk_write"), disks, self._disk_start,
                       previous[2] if previous else None, elapsed)
        except (OSError, ValueError):
            disks = None

        try:
            nets = _network_bytes(self._proc)
            if self._net_start is None:
                self._net_start = nets
            _transfers(values, ("network_receive", "network_transmit"), nets, self._net_start,
                       previous[3] if previous else None, elapsed)
        except (OSError, ValueError):
            nets = None

        gpu = self._gpu
        if gpu is not None:
            values.update(gpu.readings())

        self._previous = (now, cpu, disks, nets)
        return {PREFIX + k: float(v) for k, v in values.items()}

    def _run(self):
        start = time.monotonic()
        ticks = 0
        while True:
            try:
                values = self.sample()
                if values:
                    self._sink(values, int(time.time() * 1000))
            except Exception:  # a failed reading or a failing sink must not end sampling, nor reach the trainer
                pass
            ticks += 1
            # Sleep to the next multiple of the interval, so slow samples do not make the series drift.
            delay = start + ticks * self._interval - time.monotonic()
            if delay < 0:
                ticks += int(-delay // self._interval) + 1
                delay = start + ticks * self._interval - time.monotonic()
            if self._stopping.wait(max(0.0, delay)):
                return
