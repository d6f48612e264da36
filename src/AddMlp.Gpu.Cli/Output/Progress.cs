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
/// A one-line live progress bar on a terminal's stderr — epoch, loss, epochs/s, time left — redrawn at
/// most ten times a second, in place of the tutorial's scrolling lines. Used only when stderr is a
/// terminal; <see cref="Finish"/> clears it so the summary starts on a clean line.
/// </summary>
public sealed class ProgressBar(TextWriter writer, int epochs) : IProgress<EpochLoss>
{
    private const int Width = 28;

    /// <summary>How often the trainer should report to a bar: about 200 times a run (never less often than the log interval), so that it moves smoothly.</summary>
    public static int ReportEvery(int epochs, int logEvery) => Math.Max(1, Math.Min(logEvery, epochs / 200));
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private int _firstEpoch = -1;
    private double _firstSeconds;
    private bool _drawn;

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
        string left = rate > 0 ? TimeSpan.FromSeconds((epochs - value.Epoch) / rate).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        int filled = (int)((long)Width * value.Epoch / epochs);
        string val = value.ValLoss is double v ? $"  val_loss {Numbers.Loss(v)}" : "";
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('-', Width - filled)}] epoch {value.Epoch}/{epochs}  loss {Numbers.Loss(value.Loss)}{val}  {rate:F0} epochs/s  {left} left\u001b[K"));
        writer.Flush();
        _drawn = true;
    }

    /// <summary>Erases the bar's line.</summary>
    public void Finish()
    {
        if (!_drawn)
            return;
        writer.Write("\r\u001b[K");
        writer.Flush();
    }
}
