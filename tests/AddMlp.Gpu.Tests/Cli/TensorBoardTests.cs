namespace AddMlp.Gpu.Tests;

/// <summary>
/// `train --tensorboard DIR`: TensorBoard's event files, read back as TensorBoard reads them, hold every
/// epoch's loss, val_loss, weight_error and lr, equal to the loss curve's; they are written as the run goes.
/// </summary>
public sealed class TensorBoardTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_epochs_loss_val_loss_weight_error_and_lr_are_logged_as_the_loss_curve_has_them()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--tensorboard", "runs/cosine", "--val-fraction", "--lr-schedule", "cosine", "--epochs", "120");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("wrote:      addmlp-model.json, addmlp-loss.json; TensorBoard log in runs/cosine", train.StdOut);
        Assert.Single(Directory.GetFiles(_dir.File("runs/cosine")));
        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        var scalars = TensorBoardEvents.Scalars(_dir.File("runs/cosine"));
        Assert.Equal(["loss", "lr", "val_loss", "weight_error"], scalars.Keys.Order());
        AssertSeries(curve.Loss, scalars["loss"]);
        AssertSeries(curve.ValLoss!, scalars["val_loss"]);
        AssertSeries(curve.WeightError!, scalars["weight_error"]);
        AssertSeries(curve.Lr!, scalars["lr"]);
    }

    [Fact]
    public void A_quiet_run_hands_its_epochs_over_at_the_end_and_all_of_them_are_logged()
    {
        // --quiet: no log points, so 50,000 epochs' scalars reach the log in one batch when the run is over.
        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--tensorboard", "tb", "--epochs", "50000");

        Assert.True(train.ExitCode == 0, train.ToString());
        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        var scalars = TensorBoardEvents.Scalars(_dir.File("tb"));
        Assert.Equal(["loss", "lr", "weight_error"], scalars.Keys.Order());
        AssertSeries(curve.Loss, scalars["loss"]);
        AssertSeries(curve.WeightError!, scalars["weight_error"]);
        AssertSeries(Enumerable.Repeat(0.1, 50000).ToArray(), scalars["lr"]); // no schedule: the loss curve keeps no lr
    }

    [Fact]
    public void A_resumed_run_adds_its_epochs_in_a_file_of_its_own_and_the_log_reads_as_one_run()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--tensorboard", "tb", "--hidden", "4", "--epochs", "60").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--tensorboard", "tb", "--resume", "addmlp-model.json", "--epochs", "100").ExitCode);

        var scalars = TensorBoardEvents.Scalars(_dir.File("tb"));

        Assert.Equal(2, Directory.GetFiles(_dir.File("tb")).Length);
        Assert.Equal(["loss", "lr"], scalars.Keys.Order()); // no validation split; hidden layers: no weight_error
        AssertSeries(LossCurveFile.Load(_dir.File("addmlp-loss.json")).Loss, scalars["loss"]);
        Assert.All(scalars["lr"].Values, lr => Assert.Equal(0.1f, lr));
    }

    [Fact]
    public void A_run_that_stops_before_its_first_epoch_leaves_no_event_file()
    {
        CliResult bad = Cli.Run(_dir.Path, "train", "--tensorboard", "tb", "--samples", "2000000000");

        Assert.Equal(2, bad.ExitCode);
        Assert.False(Directory.Exists(_dir.File("tb")) && Directory.EnumerateFileSystemEntries(_dir.File("tb")).Any());
    }

    /// <summary>Epochs 1, 2, ..., each logged once, each value the file's float32.</summary>
    private static void AssertSeries(double[] expected, SortedDictionary<long, float> logged)
    {
        Assert.Equal(Enumerable.Range(1, expected.Length).Select(e => (long)e), logged.Keys);
        Assert.Equal(expected.Select(v => (float)v), logged.Values);
    }
}
