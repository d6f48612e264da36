using System.Diagnostics;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>Prints the tutorial's progress lines ("Epoch: 1     loss: 1.198e+00"), synchronously, as they come.</summary>
public sealed class EpochLogPrinter(TextWriter writer) : IProgress<EpochLoss>
{
    public void Report(EpochLoss value) =>
        writer.WriteLine(value.ValLoss is double val
            ? $"Epoch: {value.Epoch,-5} loss: {Numbers.Loss(value.Loss)}  val_loss: {Numbers.Loss(val)}"
            : $"Epoch: {value.Epoch,-5} loss: {Numbers.Loss(value.Loss)}");
}

/// <summary>
/// A one-line live progress bar on a terminal's stderr — bar, epoch, loss, epochs/s, time left — redrawn
/// in place at most ten times a second, in place of the tutorial's scrolling lines, and fitted to the
/// terminal's width at every redraw (<see cref="Layout"/>). Used only when stderr is a terminal;
/// <see cref="Finish"/> clears it so the summary starts on a clean line.
/// </summary>
public sealed class ProgressBar(StatusLine status, int epochs) : IProgress<EpochLoss>
{
    /// <summary>The bar's widest and narrowest inner width, in characters.</summary>
    private const int WidestBar = 28, NarrowestBar = 10;

    /// <summary>How often the trainer should report to a bar: about 200 times a run (never less often than the log interval), so that it moves smoothly.</summary>
    public static int ReportEvery(int epochs, int logEvery) => Math.Max(1, Math.Min(logEvery, epochs / 200));
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private int _firstEpoch = -1;
    private double _firstSeconds;

    public void Report(EpochLoss value)
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && value.Epoch < epochs)
            return;
        _lastDraw = now;
        if (_firstEpoch < 0)
            (_firstEpoch, _firstSeconds) = (value.Epoch, _clock.Elapsed.TotalSeconds);
        double seconds = _clock.Elapsed.TotalSeconds - _firstSeconds;
        double rate = seconds > 0 ? (value.Epoch - _firstEpoch) / seconds : 0; // from the first report: start-up is not training
        TimeSpan? left = rate > 0 ? TimeSpan.FromSeconds((epochs - value.Epoch) / rate) : null;
        status.Show(Layout(value, epochs, rate, left, status.Width));
    }

    /// <summary>Erases the bar's line.</summary>
    public void Finish() => status.Clear();

    /// <summary>
    /// The bar for a terminal <paramref name="width"/> columns wide, in <see cref="StatusLine.Room"/>
    /// characters. As the width shrinks, the bar narrows
    /// first, then goes the rate, the validation loss, the time left, the bar, the loss; the epoch
    /// counter stays (cut short only below its own length).
    /// </summary>
    public static string Layout(EpochLoss value, int epochs, double rate, TimeSpan? left, int width)
    {
        int room = StatusLine.Room(width);
        string counter = $"epoch {value.Epoch}/{epochs}";
        string loss = $"loss {Numbers.Loss(value.Loss)}";
        string? val = value.ValLoss is double v ? $"val_loss {Numbers.Loss(v)}" : null;
        string speed = string.Create(CultureInfo.InvariantCulture, $"{rate:F0} epochs/s");
        string eta = $"{(left is TimeSpan l ? l.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--")} left";

        string Bar(int inner)
        {
            int filled = (int)((long)inner * Math.Clamp(value.Epoch, 0, epochs) / Math.Max(1, epochs));
            return $"[{new string('#', filled)}{new string('-', inner - filled)}]";
        }
        static string Join(params string?[] fields) => string.Join("  ", fields.Where(f => f is not null));

        string Fields(bool withSpeed, bool withVal, bool withEta) =>
            Join(counter, loss, withVal ? val : null, withSpeed ? speed : null, withEta ? eta : null);
        foreach (var (withSpeed, withVal, withEta) in new[] { (true, true, true), (false, true, true), (false, false, true), (false, false, false) })
        {
            string rest = Fields(withSpeed, withVal, withEta);
            int inner = Math.Min(WidestBar, room - rest.Length - 3); // "[" + bar + "] "
            if (inner >= NarrowestBar)
                return $"{Bar(inner)} {rest}";
        }
        foreach (string candidate in new[] { Join(counter, loss), counter })
        {
            if (candidate.Length <= room)
                return candidate;
        }
        return counter[..room];
    }
}
