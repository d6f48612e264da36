using System.Diagnostics;
using AddMlp.Gpu.Cli;

namespace AddMlp.Gpu.Tests;

/// <summary>The progress bar on a terminal: it fits the width, redraws in place, and messages never land on it.</summary>
public sealed class TerminalTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly EpochLoss Epoch = new(5651, 1.2e-17);
    private static readonly EpochLoss WithValidation = new(5651, 1.2e-17, 3.4e-5);

    [Theory]
    [InlineData(120, "[#######---------------------] epoch 5651/20000  loss 1.200e-17  11369 epochs/s  00:00:01 left")]
    [InlineData(80, "[###--------] epoch 5651/20000  loss 1.200e-17  11369 epochs/s  00:00:01 left")]
    [InlineData(60, "[######----------------] epoch 5651/20000  loss 1.200e-17")]
    [InlineData(40, "epoch 5651/20000  loss 1.200e-17")]
    [InlineData(20, "epoch 5651/20000")]
    [InlineData(10, "epoch 5")]
    public void The_bar_fits_the_terminal_narrowing_then_dropping_fields_in_order(int width, string expected)
    {
        string bar = ProgressBar.Layout(Epoch, 20000, 11369, TimeSpan.FromSeconds(1), width);

        Assert.Equal(expected, bar);
        Assert.True(bar.Length <= width - 3, $"{bar.Length} characters on a {width}-column terminal: room for the ^C a terminal echoes is kept");
    }

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(120)]
    public void At_40_80_and_120_columns_the_bar_takes_one_line_with_the_epoch_and_the_loss(int width)
    {
        foreach (EpochLoss value in new[] { Epoch, WithValidation })
        {
            string bar = ProgressBar.Layout(value, 20000, 11369, TimeSpan.FromSeconds(1), width);

            Assert.True(bar.Length <= width - 3, $"{bar.Length} characters on {width} columns: {bar}");
            Assert.Contains("epoch 5651/20000", bar);
            Assert.Contains("loss 1.200e-17", bar);
            if (width >= 80)
                Assert.StartsWith("[", bar);
            if (width >= 120)
                Assert.Contains(value.ValLoss is null ? "epochs/s" : "val_loss 3.400e-05", bar);
        }
    }

    [Fact]
    public void A_message_while_the_bar_shows_clears_it_goes_on_its_own_line_and_the_bar_comes_back_below()
    {
        var err = new StringWriter();
        var status = new StatusLine(err, () => 80);
        var bar = new ProgressBar(status, 20000);

        bar.Report(new EpochLoss(1, 1.2));
        status.WriteLine("addmlp: interrupt received: finishing the current epoch and saving");
        string afterMessage = err.ToString();
        bar.Report(new EpochLoss(20000, 1e-20)); // the last epoch is always drawn
        bar.Finish();
        err.WriteLine("final loss: 1.388e-20");
        status.WriteLine("addmlp: interrupted after epoch 20000");

        IReadOnlyList<string> during = Terminal.Screen(afterMessage, 80);
        Assert.Equal("addmlp: interrupt received: finishing the current epoch and saving", during[0]);
        Assert.StartsWith("[", during[1]);
        Assert.Equal(["addmlp: interrupt received: finishing the current epoch and saving", "final loss: 1.388e-20", "addmlp: interrupted after epoch 20000", ""],
            Terminal.Screen(err.ToString(), 80));
    }

    [Fact]
    public void In_an_80_column_terminal_training_redraws_one_line_and_ctrl_c_leaves_the_message_then_the_summary()
    {
        // `script` gives addmlp a pseudo-terminal 80 columns wide, as a user's shell would; `timeout`
        // presses Ctrl+C (SIGINT) once the run is well under way (--foreground: to addmlp alone, once).
        string addmlp = string.Join(' ', Cli.Command.Select(part => $"'{part}'"));
        string command = $"stty cols 80 rows 24; timeout --foreground -s INT 3 {addmlp} train --epochs 100000000";
        var start = new ProcessStartInfo("script", ["-qfec", command, "/dev/null"])
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        // The lines as written (a long message wraps on 80 columns, as any text does).
        IReadOnlyList<string> screen = Terminal.Screen(output, int.MaxValue);
        string[] shown = [.. screen.Where(line => line.Length > 0)];
        Assert.True(shown.Length > 0 && shown[0].StartsWith("addmlp: interrupt received", StringComparison.Ordinal), string.Join("\n", screen));
        Assert.True(shown[1].StartsWith("device:", StringComparison.Ordinal), string.Join("\n", screen));
        Assert.Contains(shown, line => line.StartsWith("final loss:", StringComparison.Ordinal));
        Assert.StartsWith("addmlp: interrupted after epoch", shown[^1]);
        Assert.DoesNotContain(shown, line => line.Contains("epoch ", StringComparison.Ordinal) && line.Contains('['));
        // Every drawing of the bar fitted on one line of the 80 columns.
        string[] drawings = output.Split('\r').Select(part => part.Replace("\u001b[K", "")).Where(part => part.StartsWith('[')).ToArray();
        Assert.NotEmpty(drawings);
        Assert.All(drawings, drawing => Assert.True(drawing.TrimEnd('\n').Length <= 77, drawing));
    }
}
