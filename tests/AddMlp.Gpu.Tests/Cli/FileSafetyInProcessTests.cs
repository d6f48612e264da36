namespace AddMlp.Gpu.Tests;

/// <summary>
/// The file-safety checks that run the library in this process (training, exporting): they use torch
/// here, so they run in the torch collection, one at a time with the other tests that do. The rest of the
/// file-safety checks run the command line (<see cref="FileSafetyTests"/>).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FileSafetyInProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_huge_epoch_count_stopped_early_allocates_only_what_it_used()
    {
        long before = Environment.WorkingSet;
        var reports = new List<EpochLoss>();
        using var stop = new CancellationTokenSource();

        TrainResult result = Trainer.Train(new TrainOptions { Epochs = 200_000_000 }, new SyncProgress(r => { reports.Add(r); if (r.Epoch > 100) stop.Cancel(); }), reportEvery: 50, stop.Token);

        Assert.Equal(TrainStatus.Interrupted, result.Status);
        Assert.InRange(result.EpochsRun, 101, 200);
        Assert.True(Environment.WorkingSet - before < 500L << 20, $"working set grew by {(Environment.WorkingSet - before) >> 20} MiB");
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pt")]
    [InlineData("safetensors")]
    public void An_export_cancelled_before_its_rename_writes_nothing(string extension)
    {
        ModelDocument model = Models.ExactAdder();
        File.WriteAllText(_dir.File($"adder.{extension}"), "the previous export");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => ModelExport.Write(model, _dir.File($"adder.{extension}"), ModelExport.FormatOf($"x.{extension}")!.Value, cancelled.Token));

        Assert.Equal("the previous export", File.ReadAllText(_dir.File($"adder.{extension}")));
        Assert.Equal(["adder." + extension], _dir.Files());
    }
}
