using System.Globalization;
using System.Text;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// `train --csv-log FILE`: one row per epoch (epoch, loss, val_loss, lr, weight_error: the columns that
/// apply), as Lightning's and Keras' CSVLogger write it and pandas or a spreadsheet read it, in the loss
/// curve's own number forms. Rows are added at each log point (the records TensorBoard's log gets), so a
/// crash loses at most one interval. The file is replaced whole at the first log point, so an existing one
/// survives a run that ends before it; a resumed run writes the epochs it resumed from again (from the run
/// it continues, the same values) and goes on. A write that fails stops the log, not the run.
/// </summary>
internal sealed class CsvLog(string path, TrainOptions options, ResumePoint? resume) : IDisposable
{
    private StreamWriter? _writer;

    /// <summary>Why the log stopped being written, or null.</summary>
    public string? Failure { get; private set; }

    public void Write(EpochRecords records)
    {
        if (Failure is not null)
            return;
        try
        {
            if (_writer is null)
            {
                using (var files = new OutputFiles())
                {
                    files.Stage(path, temp => File.WriteAllText(temp, Header() + Earlier() + Rows(records)));
                    files.Commit();
                }
                _writer = new StreamWriter(path, append: true, new UTF8Encoding(false));
                return;
            }
            _writer.Write(Rows(records));
            _writer.Flush();
        }
        catch (IOException e)
        {
            Failure = $"--csv-log '{path}': {e.Message}";
        }
    }

    private string Header() =>
        "epoch,loss" + (options.ValidationSamples > 0 ? ",val_loss" : "") + ",lr" + (options.Architecture.IsLinear ? ",weight_error" : "") + "\n";

    /// <summary>The epochs the resumed run had run, as it recorded them.</summary>
    private string Earlier()
    {
        if (resume is null)
            return "";
        double[] rates = [.. LearningRates.For(options).Take(resume.EpochsRun)];
        return Rows(new EpochRecords(1, resume.Losses, resume.ValLosses, resume.WeightErrors, rates));
    }

    private static string Rows(EpochRecords records)
    {
        var text = new StringBuilder();
        for (int i = 0; i < records.Count; i++)
        {
            text.Append((records.FirstEpoch + i).ToString(CultureInfo.InvariantCulture)).Append(',').Append(FloatText.Shortest(records.Loss[i]));
            if (records.ValLoss is { } val)
                text.Append(',').Append(FloatText.Shortest(val[i]));
            text.Append(',').Append(FloatText.Shortest(records.LearningRate[i]));
            if (records.WeightError is { } error)
                text.Append(',').Append(FloatText.Shortest(error[i]));
            text.Append('\n');
        }
        return text.ToString();
    }

    public void Dispose() => _writer?.Dispose();
}
