using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>`train --csv-log`: one row per epoch, the loss curve's values in its own number forms, continued by --resume.</summary>
public sealed class CsvLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new string[0], "epoch,loss,lr,weight_error")]
    [InlineData(new[] { "--hidden", "8", "--val-fraction", "0.2", "--lr-schedule", "cosine", "--dtype", "float64" }, "epoch,loss,val_loss,lr")]
    public void Every_epoch_is_a_row_equal_to_the_loss_curve(string[] options, string header)
    {
        CliResult run = Cli.Run(_dir.Path, ["train", "--quiet", "--epochs", "120", "--csv-log", "log.csv", .. options]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = File.ReadAllLines(_dir.File("log.csv"));
        Assert.Equal(header, lines[0]);
        Assert.Equal(121, lines.Length);
        using JsonDocument curve = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-loss.json")));
        string[] columns = header.Split(',');
        for (int epoch = 1; epoch <= 120; epoch++)
        {
            string[] cells = lines[epoch].Split(',');
            Assert.Equal(epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            foreach (string column in columns.Skip(1).Where(c => c != "lr" || options.Length > 0))
                Assert.Equal(curve.RootElement.GetProperty(column)[epoch - 1].GetRawText(), cells[Array.IndexOf(columns, column)]);
        }
        if (options.Length == 0)
            Assert.All(lines.Skip(1), l => Assert.Equal("0.1", l.Split(',')[2])); // a constant rate: the column still applies
    }

    [Fact]
    public void A_resumed_run_continues_the_log_as_one_that_never_stopped()
    {
        string[] run = ["--epochs", "10000", "--batch-size", "500", "--log-every", "100"];
        Assert.Equal(0, Cli.Run(_dir.Path, ["train", "--quiet", .. run, "--model", "whole.json", "--loss-curve", "whole-loss.json", "--csv-log", "whole.csv"]).ExitCode);
        using (Process train = Process.Start(Cli.Start(_dir.Path, ["train", "--quiet", .. run, "--checkpoint-every", "100", "--model", "cut.json", "--loss-curve", "cut-loss.json", "--csv-log", "cut.csv"]))!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !(File.Exists(_dir.File("cut.json")) && SafeRead(_dir.File("cut.json")).Contains("\"status\": \"checkpoint\"", StringComparison.Ordinal)))
                Thread.Sleep(20);
            train.Kill(); // SIGKILL: the log holds rows past the checkpoint the run resumes from
            train.WaitForExit();
        }

        CliResult resumed = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "cut.json", "--loss-curve", "cut-loss.json", "--csv-log", "cut.csv");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(_dir.File("whole.csv")), File.ReadAllBytes(_dir.File("cut.csv")));
    }

    [Fact]
    public void The_log_may_not_be_another_output_or_an_input()
    {
        CliResult same = Cli.Run(_dir.Path, "train", "--csv-log", "addmlp-model.json");

        Assert.Equal(2, same.ExitCode);
        Assert.Contains("--csv-log", same.StdErr);
        Assert.Empty(_dir.Files());
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
