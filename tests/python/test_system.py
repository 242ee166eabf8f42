# SPDX-License-Identifier: GPL-3.0-or-later
"""The system-metrics sampler: the real /proc, a crafted /proc with known deltas, garbage files, a stand-in
nvidia-smi (and its death), prompt stop and the sampler's own cost."""

import os
import shutil
import stat
import sys
import tempfile
import textwrap
import threading
import time
import unittest
from unittest import mock

from runlens import system
from runlens.system import SystemMetrics

NO_GPU = "/nonexistent/nvidia-smi"  # keeps a real nvidia-smi on the machine out of tests that are not about GPUs


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


NET_HEADER = (
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
    "carrier compressed\n")


def net_line(name, rx, tx):
    return "%6s: %d 10 0 0 0 0 0 0 %d 10 0 0 0 0 0 0\n" % (name, rx, tx)


def disk_line(major, minor, name, sectors_read, sectors_written):
    return "%4d %7d %s 100 0 %d 50 200 0 %d 80 0 120 130 0 0 0 0 0 0\n" % (
        major, minor, name, sectors_read, sectors_written)


class CraftedProc:
    """A /proc folder whose counters the test sets."""

    def __init__(self, root):
        self.root = root

    def set(self, cpu, mem_total_kb, mem_available_kb, disks, nets):
        write(os.path.join(self.root, "stat"),
              "cpu  %s\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 12345\n" % " ".join(str(v) for v in cpu))
        write(os.path.join(self.root, "meminfo"),
              "MemTotal:       %d kB\nMemFree:          100000 kB\nMemAvailable:   %d kB\nBuffers: 10 kB\n"
              % (mem_total_kb, mem_available_kb))
        write(os.path.join(self.root, "diskstats"), "".join(disk_line(*d) for d in disks))
        write(os.path.join(self.root, "net", "dev"), NET_HEADER + "".join(net_line(*n) for n in nets))


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class RealProcTest(unittest.TestCase):
    def test_values_are_plausible_and_rates_non_negative(self):
        sampler = SystemMetrics(lambda v, t: None, nvidia_smi=NO_GPU)
        first = sampler.sample()
        self.assertNotIn("system/cpu_utilization_percentage", first, "CPU % needs a previous reading")
        deadline = time.monotonic() + 0.3
        while time.monotonic() < deadline:  # some CPU work between the readings
            sum(i * i for i in range(1000))
        second = sampler.sample()

        for key in second:
            self.assertTrue(key.startswith("system/"), key)
            self.assertIsInstance(second[key], float, key)
        cpu = second["system/cpu_utilization_percentage"]
        self.assertGreater(cpu, 0.0)  # we were busy on one core
        self.assertLessEqual(cpu, 100.0)

        with open("/proc/meminfo") as f:
            total_kb = int(f.readline().split()[1])
        self.assertGreater(second["system/system_memory_usage_megabytes"], 1.0)
        self.assertLess(second["system/system_memory_usage_megabytes"], total_kb * 1024 / 1e6)
        self.assertGreater(second["system/system_memory_usage_percentage"], 0.0)
        self.assertLess(second["system/system_memory_usage_percentage"], 100.0)

        st = os.statvfs("/")
        self.assertAlmostEqual(second["system/disk_available_megabytes"], st.f_bavail * st.f_frsize / 1e6,
                               delta=1000.0)  # other processes write meanwhile
        self.assertGreater(second["system/disk_usage_megabytes"], 0.0)
        self.assertGreater(second["system/disk_usage_percentage"], 0.0)
        self.assertLessEqual(second["system/disk_usage_percentage"], 100.0)

        for key in ("disk_read_megabytes", "disk_write_megabytes", "network_receive_megabytes",
                    "network_transmit_megabytes"):
            self.assertGreaterEqual(second["system/" + key], 0.0, key)
            self.assertGreaterEqual(second["system/" + key + "_per_second"], 0.0, key)
        self.assertFalse(any("gpu" in k for k in second))


class CraftedProcTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.proc = CraftedProc(os.path.join(self.tmp, "proc"))
        self.clock = Clock()
        patcher = mock.patch.object(system, "_monotonic", self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)

    def sampler(self, **kw):
        return SystemMetrics(lambda v, t: None, proc=self.proc.root, nvidia_smi=NO_GPU,
                             disk_path=kw.get("disk_path", self.tmp))

    def test_exact_numbers_from_known_deltas(self):
        disks0 = [(8, 0, "sda", 1000, 1000), (8, 1, "sda1", 900, 900), (8, 2, "sda2", 100, 100),
                  (259, 0, "nvme0n1", 5000, 5000), (259, 1, "nvme0n1p1", 5000, 5000),
                  (179, 0, "mmcblk0", 10, 10), (179, 1, "mmcblk0p1", 10, 10),
                  (7, 0, "loop0", 0, 0), (253, 0, "dm-0", 0, 0), (9, 0, "md0", 0, 0), (252, 0, "zram0", 0, 0)]
        nets0 = [("lo", 1000, 1000), ("eth0", 10_000_000, 5_000_000), ("wlan0", 0, 0)]
        self.proc.set([100, 0, 50, 800, 50, 0, 0, 0, 7, 7], 8_000_000, 6_000_000, disks0, nets0)
        sampler = self.sampler()
        first = sampler.sample()
        self.assertNotIn("system/cpu_utilization_percentage", first)
        self.assertNotIn("system/disk_read_megabytes_per_second", first)
        self.assertEqual(first["system/disk_read_megabytes"], 0.0)
        self.assertEqual(first["system/network_receive_megabytes"], 0.0)
        self.assertAlmostEqual(first["system/system_memory_usage_megabytes"], 2_000_000 * 1024 / 1e6)
        self.assertAlmostEqual(first["system/system_memory_usage_percentage"], 25.0)

        # Two seconds later: 200 of 1000 jiffies busy; sda read 2000 sectors (its partitions too, which must not
        # count again), nvme0n1 wrote 4000; the device-mapper, md, loop and zram devices moved a lot (they sit on
        # the disks or in memory and must not count); eth0 and wlan0 received 3 MB + 1 MB, sent 1 MB; lo is ignored.
        self.clock.now += 2.0
        disks1 = [(8, 0, "sda", 3000, 1000), (8, 1, "sda1", 2900, 900), (8, 2, "sda2", 100, 100),
                  (259, 0, "nvme0n1", 5000, 9000), (259, 1, "nvme0n1p1", 5000, 9000),
                  (179, 0, "mmcblk0", 10, 10), (179, 1, "mmcblk0p1", 10, 10),
                  (7, 0, "loop0", 999999, 999999), (253, 0, "dm-0", 999999, 999999), (9, 0, "md0", 999999, 0),
                  (252, 0, "zram0", 999999, 999999)]
        nets1 = [("lo", 9_999_999_999, 9_999_999_999), ("eth0", 13_000_000, 6_000_000), ("wlan0", 1_000_000, 0)]
        self.proc.set([250, 0, 100, 1500, 150, 0, 0, 0, 99, 99], 8_000_000, 4_000_000, disks1, nets1)
        second = sampler.sample()
        self.assertAlmostEqual(second["system/cpu_utilization_percentage"], 20.0)
        self.assertAlmostEqual(second["system/system_memory_usage_megabytes"], 4_000_000 * 1024 / 1e6)
        self.assertAlmostEqual(second["system/system_memory_usage_percentage"], 50.0)
        self.assertAlmostEqual(second["system/disk_read_megabytes"], 2000 * 512 / 1e6)
        self.assertAlmostEqual(second["system/disk_write_megabytes"], 4000 * 512 / 1e6)
        self.assertAlmostEqual(second["system/disk_read_megabytes_per_second"], 2000 * 512 / 1e6 / 2.0)
        self.assertAlmostEqual(second["system/disk_write_megabytes_per_second"], 4000 * 512 / 1e6 / 2.0)
        self.assertAlmostEqual(second["system/network_receive_megabytes"], 4.0)
        self.assertAlmostEqual(second["system/network_transmit_megabytes"], 1.0)
        self.assertAlmostEqual(second["system/network_receive_megabytes_per_second"], 2.0)
        self.assertAlmostEqual(second["system/network_transmit_megabytes_per_second"], 0.5)

        # Four seconds on, nothing moved: the rates fall to zero, the totals since start stay.
        self.clock.now += 4.0
        self.proc.set([250, 0, 100, 2500, 150, 0, 0, 0, 99, 99], 8_000_000, 4_000_000, disks1, nets1)
        third = sampler.sample()
        self.assertEqual(third["system/cpu_utilization_percentage"], 0.0)
        self.assertEqual(third["system/disk_read_megabytes_per_second"], 0.0)
        self.assertEqual(third["system/network_receive_megabytes_per_second"], 0.0)
        self.assertAlmostEqual(third["system/network_receive_megabytes"], 4.0)
        self.assertAlmostEqual(third["system/disk_write_megabytes"], 4000 * 512 / 1e6)

    def test_counters_going_backwards_and_devices_coming_and_going(self):
        self.proc.set([100, 0, 0, 100, 0, 0, 0, 0], 1000, 500, [(8, 0, "sda", 5000, 5000)],
                      [("eth0", 5_000_000, 5_000_000)])
        sampler = self.sampler()
        sampler.sample()
        self.clock.now += 1.0
        # sda was replaced (counters restart); sdb and eth1 appear; eth0's receive counter wrapped.
        self.proc.set([150, 0, 0, 150, 0, 0, 0, 0], 1000, 500,
                      [(8, 0, "sda", 10, 10), (8, 16, "sdb", 7777, 7777)],
                      [("eth0", 10, 6_000_000), ("eth1", 123456, 123456)])
        values = sampler.sample()
        self.assertAlmostEqual(values["system/cpu_utilization_percentage"], 50.0)
        self.assertEqual(values["system/disk_read_megabytes_per_second"], 0.0)
        self.assertEqual(values["system/disk_write_megabytes_per_second"], 0.0)
        self.assertEqual(values["system/network_receive_megabytes_per_second"], 0.0)
        self.assertAlmostEqual(values["system/network_transmit_megabytes_per_second"], 1.0)
        self.assertEqual(values["system/network_receive_megabytes"], 0.0)

    def test_garbage_and_truncated_files_are_skipped_not_raised(self):
        root = self.proc.root
        cases = {
            "stat": ["", "cpu\n", "cpu 1 2\n", "cpu a b c d e f g h\n", "\x00\xff" * 100, "intr 1 2 3\n"],
            "meminfo": ["", "MemTotal: \n", "MemFree: 12 kB\n", "MemTotal: zero kB\nMemAvailable: 1 kB\n",
                        "MemTotal: 0 kB\nMemAvailable: 0 kB\n", "\x00" * 4096],
            "diskstats": ["", "   8       0 sda 100 0\n", "8 0 sda x y z w v u t s r\n", "\xff\xfe" * 50],
            "net/dev": ["", "Inter-|\n", "eth0: 1 2 3\n", "eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
                        "eth0: a b c d e f g h i j k l m n o p\n", "\x00" * 10],
        }
        keys = {"stat": "system/cpu_utilization_percentage", "meminfo": "system/system_memory_usage_megabytes",
                "diskstats": "system/disk_read_megabytes", "net/dev": "system/network_receive_megabytes"}
        for name, contents in cases.items():
            for content in contents:
                with self.subTest(file=name, content=content[:30]):
                    self.proc.set([1, 0, 0, 1, 0, 0, 0, 0], 1000, 500, [(8, 0, "sda", 1, 1)], [("eth0", 1, 1)])
                    sampler = self.sampler()
                    sampler.sample()
                    self.clock.now += 1.0
                    self.proc.set([2, 0, 0, 2, 0, 0, 0, 0], 1000, 500, [(8, 0, "sda", 2, 2)], [("eth0", 2, 2)])
                    write(os.path.join(root, name), content)
                    values = sampler.sample()
                    self.assertNotIn(keys[name], values)
                    # The other readings are unaffected.
                    for other, key in keys.items():
                        if other != name:
                            self.assertIn(key, values)

        shutil.rmtree(root)
        values = SystemMetrics(lambda v, t: None, proc=root, nvidia_smi=NO_GPU,
                               disk_path=os.path.join(self.tmp, "gone")).sample()
        self.assertEqual(values, {})


NVIDIA_SMI = textwrap.dedent('''\
    #!/bin/sh
    # A stand-in for nvidia-smi: records its arguments and pid, then prints what
    # `nvidia-smi --query-gpu=... --format=csv,noheader,nounits -l N` prints for
    # two GPUs (the second reports no power), ROUNDS times, 0.1 s apart.
    echo "$@" > "$STANDIN_DIR/args"
    echo $$ > "$STANDIN_DIR/pid"
    i=0
    while [ "$i" -lt "$ROUNDS" ]; do
        echo "0, $((30 + i)), 2241, 16384, 45, 62.57, 250.00"
        echo "1, 0, 0, 16384, 31, [N/A], [N/A]"
        i=$((i + 1))
        sleep 0.1
    done
    echo "garbage that is no GPU line"
    exit 3
    ''')


class GpuTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        bin_dir = os.path.join(self.tmp, "bin")
        os.mkdir(bin_dir)
        self.script = os.path.join(bin_dir, "nvidia-smi")
        write(self.script, NVIDIA_SMI)
        os.chmod(self.script, stat.S_IRWXU)
        env = {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "STANDIN_DIR": self.tmp}
        patcher = mock.patch.dict(os.environ, env)
        patcher.start()
        self.addCleanup(patcher.stop)

    def collect(self):
        samples = []
        lock = threading.Lock()

        def sink(values, timestamp_ms):
            with lock:
                samples.append((values, timestamp_ms))
        return samples, sink

    def wait_for(self, predicate, seconds=5.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return False

    def test_parses_the_long_lived_child_and_drops_gpus_when_it_dies(self):
        os.environ["ROUNDS"] = "8"
        samples, sink = self.collect()
        sampler = SystemMetrics(sink, interval=0.05)  # nvidia_smi=None: found on PATH
        sampler.start()
        self.addCleanup(sampler.stop)
        self.assertTrue(self.wait_for(lambda: any("system/gpu_0_utilization_percentage" in s[0]
                                                  for s in samples)))
        with open(os.path.join(self.tmp, "args")) as f:
            args = f.read().split()
        self.assertEqual(args, ["--query-gpu=" + system.GPU_QUERY, "--format=csv,noheader,nounits", "-l", "1"])

        gpu = next(s[0] for s in samples if "system/gpu_0_utilization_percentage" in s[0])
        self.assertGreaterEqual(gpu["system/gpu_0_utilization_percentage"], 30.0)
        self.assertAlmostEqual(gpu["system/gpu_0_memory_usage_megabytes"], 2241 * 1024 * 1024 / 1e6)
        self.assertAlmostEqual(gpu["system/gpu_0_memory_usage_percentage"], 2241 / 16384 * 100)
        self.assertEqual(gpu["system/gpu_0_temperature_celsius"], 45.0)
        self.assertEqual(gpu["system/gpu_0_power_usage_watts"], 62.57)
        self.assertAlmostEqual(gpu["system/gpu_0_power_usage_percentage"], 62.57 / 250 * 100)
        self.assertEqual(gpu["system/gpu_1_utilization_percentage"], 0.0)
        self.assertEqual(gpu["system/gpu_1_memory_usage_percentage"], 0.0)
        self.assertEqual(gpu["system/gpu_1_temperature_celsius"], 31.0)
        self.assertNotIn("system/gpu_1_power_usage_watts", gpu)  # [N/A]
        self.assertNotIn("system/gpu_1_power_usage_percentage", gpu)

        # The child exits after its eighth round: the sampler goes on, without GPU keys and without raising.
        self.assertTrue(self.wait_for(lambda: samples and "system/gpu_0_utilization_percentage" not in samples[-1][0]))
        count = len(samples)
        self.assertTrue(self.wait_for(lambda: len(samples) >= count + 3))
        for values, _ in samples[count:]:
            self.assertFalse(any("gpu" in k for k in values))
            self.assertIn("system/system_memory_usage_megabytes", values)
        sampler.stop()

    def test_stop_ends_the_child(self):
        os.environ["ROUNDS"] = "100000"
        sampler = SystemMetrics(lambda v, t: None, interval=10.0)
        sampler.start()
        pid_file = os.path.join(self.tmp, "pid")
        self.assertTrue(self.wait_for(lambda: os.path.exists(pid_file) and os.path.getsize(pid_file) > 0))
        with open(pid_file) as f:
            pid = int(f.read())
        os.kill(pid, 0)  # running
        started = time.monotonic()
        sampler.stop()
        self.assertLess(time.monotonic() - started, 2.5)
        with self.assertRaises(ProcessLookupError):  # ended and reaped
            os.kill(pid, 0)

    def test_absent_or_broken_nvidia_smi_gives_no_gpu_keys(self):
        not_executable = os.path.join(self.tmp, "plain-file")
        write(not_executable, "not a program")
        for path in (os.path.join(self.tmp, "missing"), not_executable, self.tmp):
            with self.subTest(path=path):
                samples, sink = self.collect()
                sampler = SystemMetrics(sink, interval=0.05, nvidia_smi=path)
                sampler.start()
                self.assertTrue(self.wait_for(lambda: len(samples) >= 2))
                sampler.stop()
                self.assertFalse(any("gpu" in k for values, _ in samples for k in values))

    def test_parse_gpu_line(self):
        parse = system.parse_gpu_line
        self.assertEqual(parse("2, 100, 81559, 81559, 83, 699.12, 700.00\n")[0], 2)
        self.assertEqual(parse("0, [Not Supported], [N/A], 16384, [N/A], [N/A], [N/A]"), (0, {}))
        self.assertIsNone(parse(""))
        self.assertIsNone(parse("index, utilization.gpu [%], memory.used [MiB]"))
        self.assertIsNone(parse("x, 1, 2, 3, 4, 5, 6"))
        self.assertIsNone(parse("-1, 1, 2, 3, 4, 5, 6"))
        self.assertIsNone(parse("0, 1, 2, 3, 4, 5"))
        self.assertEqual(parse("0, nan, inf, 0, 1, 2, 0"), (0, {"gpu_0_temperature_celsius": 1.0,
                                                               "gpu_0_power_usage_watts": 2.0}))


class ThreadTest(unittest.TestCase):
    def test_first_sample_at_start_then_every_interval_with_wall_clock_timestamps(self):
        samples = []
        sampler = SystemMetrics(lambda v, t: samples.append((v, t)), interval=0.1, nvidia_smi=NO_GPU)
        before = int(time.time() * 1000)
        sampler.start()
        time.sleep(0.55)
        sampler.stop()
        after = int(time.time() * 1000)
        self.assertGreaterEqual(len(samples), 4)
        self.assertLessEqual(len(samples), 7)
        self.assertNotIn("system/cpu_utilization_percentage", samples[0][0])
        self.assertIn("system/cpu_utilization_percentage", samples[1][0])
        stamps = [t for _, t in samples]
        self.assertTrue(all(isinstance(t, int) for t in stamps))
        self.assertEqual(stamps, sorted(stamps))
        self.assertGreaterEqual(stamps[0], before)
        self.assertLessEqual(stamps[-1], after)
        self.assertGreaterEqual(stamps[-1] - stamps[0], 250)

    def test_stop_returns_promptly_mid_interval_and_is_idempotent(self):
        samples = []
        sampler = SystemMetrics(lambda v, t: samples.append(v), interval=30.0, nvidia_smi=NO_GPU)
        sampler.start()
        time.sleep(0.2)
        started = time.monotonic()
        sampler.stop()
        self.assertLess(time.monotonic() - started, 0.5)
        self.assertEqual(len(samples), 1)
        self.assertFalse(any(t.name == "runlens-system-metrics" for t in threading.enumerate()))
        sampler.stop()
        sampler.start()  # a stopped sampler stays stopped
        time.sleep(0.1)
        self.assertEqual(len(samples), 1)
        SystemMetrics(lambda v, t: None).stop()  # never started

    def test_a_failing_sink_does_not_end_sampling(self):
        calls = []

        def sink(values, timestamp_ms):
            calls.append(timestamp_ms)
            raise RuntimeError("the store is gone")

        sampler = SystemMetrics(sink, interval=0.05, nvidia_smi=NO_GPU)
        sampler.start()
        time.sleep(0.4)
        sampler.stop()
        self.assertGreaterEqual(len(calls), 4)

    def test_stop_from_inside_the_sink(self):
        holder = {}

        def sink(values, timestamp_ms):
            holder["sampler"].stop()

        holder["sampler"] = SystemMetrics(sink, interval=0.05, nvidia_smi=NO_GPU)
        holder["sampler"].start()
        time.sleep(0.3)
        self.assertFalse(any(t.name == "runlens-system-metrics" for t in threading.enumerate()))

    def test_cost_per_sample(self):
        """At the 10 s interval a sample may cost 50 ms of CPU before it reaches 0.5 % of one core; it costs far
        less. The figure is printed so it can be reported."""
        sampler = SystemMetrics(lambda v, t: None, nvidia_smi=NO_GPU)
        sampler.sample()
        n = 200
        started = time.process_time()
        for _ in range(n):
            sampler.sample()
        per_sample = (time.process_time() - started) / n
        share = per_sample / 10.0 * 100.0
        sys.stderr.write("\nsystem metrics: %.3f ms CPU per sample = %.4f %% of one core at 10 s\n"
                         % (per_sample * 1000.0, share))
        self.assertLess(share, 0.05)  # a tenth of the budget, so a slow machine still passes honestly


if __name__ == "__main__":
    unittest.main()
