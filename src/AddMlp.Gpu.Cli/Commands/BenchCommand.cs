using System.CommandLine;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp bench`: steady-state training step times per sample count and device.</summary>
public static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var samples = new Option<long[]>("--samples")
        {
            Description = "Sample counts to time, comma-separated (1e3 notation allowed; at most 1e9)",
            DefaultValueFactory = _ => [1_000, 10_000, 100_000, 1_000_000],
            HelpName = "N,N,...",
            CustomParser = result => ParseCounts(result, result.Tokens.Single().Value),
        };
        var devices = new Option<DeviceRequest[]>("--device")
        {
            Description = "Devices to time, comma-separated: cpu, cuda, cuda:N (default: the CPU and CUDA if available)",
            HelpName = "D,D,...",
            CustomParser = result =>
            {
                var requests = new List<DeviceRequest>();
                foreach (string name in result.Tokens.Single().Value.Split(','))
                {
                    if (DeviceRequest.TryParse(name, out DeviceRequest request) && request.Kind != DeviceKind.Auto)
                        requests.Add(request);
                    else
                        result.AddError($"--device '{name}' is not one of cpu, cuda, cuda:N");
                }
                return [.. requests];
            },
        };
        Option<Choice<Kernels>?> kernels = SharedOptions.Kernels("Kernels to time: portable or native (default: as train chooses them, portable on the CPU and native on a GPU)");
        Option<int?> threads = SharedOptions.OptionalWhole("--threads", 1, 1024, "CPU threads for libtorch (default: as train chooses them for each sample count)");
        Option<int[]> hidden = SharedOptions.Hidden("Hidden layer widths (default: none, the tutorial's Linear(2, 1))");
        Option<double> seconds = SharedOptions.Finite("--seconds", 0.5, new Bounds(0, MinExclusive: true, 60), "Target duration of each timed run", "S");
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON" };

        var command = new Command("bench", "Time steady-state training steps (full batch, Adam, MSE) for several sample counts and devices.\n\nExample: addmlp bench --samples 1e3,1e6 --device cpu,cuda --threads 1")
        {
            samples, devices, kernels, threads, hidden, seconds, json,
        };
        command.SetAction(parse =>
        {
            long[] counts = parse.GetValue(samples)!;
            DeviceRequest[] names = parse.GetValue(devices) is { Length: > 0 } given ? given : DefaultDevices();
            Kernels? chosen = parse.GetValue(kernels)?.Value;
            if (chosen == Kernels.Portable && names.Any(n => n.IsCuda))
                throw new UsageException("--kernels portable runs on the CPU only: time a GPU with --kernels native, or give --device cpu");
            ResolvedDevice[] targets = names.Select(Devices.Resolve).ToArray();
            int? threadCount = parse.GetValue(threads);
            int[] widths = parse.GetValue(hidden)!;
            var architecture = Architecture.Adder(widths, Activation.Relu);
            foreach (long count in counts)
                MemoryEstimate.EnsureFits(new TrainOptions { Samples = (int)Math.Min(count, int.MaxValue), Epochs = 1, Architecture = architecture }, targets[0]);

            var rows = new List<BenchRow>();
            bool asJson = parse.GetValue(json);
            if (!asJson)
                PrintHeader(context.Out);
            foreach (ResolvedDevice device in targets)
            {
                foreach (long count in counts)
                {
                    context.Interrupt.ThrowIfCancellationRequested();
                    int rowThreads = threadCount ?? Trainer.ThreadsFor(new TrainOptions { Samples = (int)Math.Min(count, int.MaxValue), Architecture = architecture });
                    BenchRow row = StepBenchmark.Run(count, device, chosen, rowThreads, architecture, parse.GetValue(seconds), context.Interrupt);
                    rows.Add(row);
                    if (!asJson)
                        PrintRow(context.Out, row);
                }
            }
            if (asJson)
            {
                context.Out.WriteLine(CliJson.Serialize<IReadOnlyList<BenchRow>>(rows));
            }
            else
            {
                context.Out.WriteLine("µs/step: one forward + MSE + backward + Adam step, after warm-up. GB/s: bytes of X and y per step.");
                context.Out.WriteLine("copy: one device copy of X and y (read + write); step/copy: a step in copies. tensors/step: the tensors (libtorch ops and views) a step makes. GPU memory: not reported (TorchSharp 0.107 has no API for it).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DeviceRequest[] DefaultDevices() => Devices.WhyCudaUnavailable() is null ? [DeviceRequest.Cpu, DeviceRequest.Cuda] : [DeviceRequest.Cpu];

    private static long[] ParseCounts(System.CommandLine.Parsing.ArgumentResult result, string text)
    {
        var counts = new List<long>();
        foreach (string part in text.Split(','))
        {
            if (!FloatText.TryParse(part, out double value)
                || value < 1 || value > 1e9 || value != Math.Floor(value))
            {
                result.AddError($"--samples '{part}' is not a whole number from 1 to 1e9");
                return [];
            }
            counts.Add((long)value);
        }
        return [.. counts];
    }

    private static void PrintHeader(TextWriter o) =>
        o.WriteLine($"{"samples",10} {"device",-7} {"kernels",-8} {"threads",7} {"µs/step",12} {"samples/s",13} {"GB/s",8} {"copy µs",10} {"copy GB/s",10} {"step/copy",10} {"tensors/step",13} {"peak RSS",10}");

    private static void PrintRow(TextWriter o, BenchRow r) =>
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Samples,10} {r.Device,-7} {EnumNames<Kernels>.Of(r.Kernels),-8} {r.Threads,7} {r.MicrosecondsPerStep,12:F1} {r.SamplesPerSecond,13:N0} {r.EffectiveGigabytesPerSecond,8:F2} {r.CopyMicroseconds,10:F1} {r.CopyGigabytesPerSecond,10:F2} {r.StepsPerCopy,10:F1} {r.TensorsPerStep,13:F1} {(r.PeakRssBytes is long b ? $"{b / 1048576} MiB" : "n/a"),10}"));
}
