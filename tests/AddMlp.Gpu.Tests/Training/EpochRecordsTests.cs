namespace AddMlp.Gpu.Tests;

/// <summary>
/// TrainControl.OnRecords: the run's records leave the device at log points only, in slices that add up
/// to the run; a TensorBoard log writes each slice while the run goes on.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class EpochRecordsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Records_are_handed_out_at_each_log_point_and_at_the_end_and_add_up_to_the_run()
    {
        var handed = new List<EpochRecords>();

        TrainResult result = Trainer.Train(new TrainOptions { Epochs = 120, ValFraction = 0.1 }, new TrainControl { ReportEvery = 50, OnRecords = handed.Add });

        Assert.Equal([1, 2, 52, 102], handed.Select(r => r.FirstEpoch)); // log points at epochs 1, 51, 101, then the end
        Assert.Equal([1, 50, 50, 19], handed.Select(r => r.Count));
        Assert.Equal(result.Losses, handed.SelectMany(r => r.Loss));
        Assert.Equal(result.ValLosses, handed.SelectMany(r => r.ValLoss!));
        Assert.Equal(result.WeightErrors, handed.SelectMany(r => r.WeightError!));
        Assert.All(handed.SelectMany(r => r.LearningRate), lr => Assert.Equal(0.1, lr));
    }

    [Fact]
    public void A_resumed_run_hands_out_the_epochs_after_where_it_resumed_with_their_scheduled_rates()
    {
        var options = new TrainOptions { Epochs = 40, LrSchedule = LrSchedule.Step, LrStepSize = 10 };
        ResumePoint point = ResumePoint.From(Trainer.Train(options with { Epochs = 25 }));
        var handed = new List<EpochRecords>();

        TrainResult result = Trainer.Train(options, new TrainControl { ResumeFrom = point, OnRecords = handed.Add });

        Assert.Equal(26, handed[0].FirstEpoch);
        Assert.Equal(result.Losses[25..], handed.SelectMany(r => r.Loss));
        Assert.Equal(result.LearningRates![25..], handed.SelectMany(r => r.LearningRate));
    }

    [Fact]
    public void A_TensorBoard_log_writes_each_slice_while_the_run_goes_on()
    {
        string folder = _dir.File("tb");
        using var log = new TensorBoardLog(folder);
        bool seenDuringTheRun = false;

        Trainer.Train(new TrainOptions { Epochs = 150 }, new TrainControl
        {
            ReportEvery = 50,
            OnRecords = records =>
            {
                log.Write(records);
                if (records.FirstEpoch == 52)
                    seenDuringTheRun = WaitForStep(folder, 51); // the slice before is on disk before the run ends
            },
        });
        log.Complete();

        Assert.True(seenDuringTheRun, "epoch 51 was not in the event file while the run went on");
        Assert.Equal(Enumerable.Range(1, 150).Select(e => (long)e), TensorBoardEvents.Scalars(folder)["loss"].Keys);
    }

    /// <summary>Whether <paramref name="step"/>'s loss appears in the folder's event file within 30 s (the writer runs beside the run).</summary>
    private static bool WaitForStep(string folder, long step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (Directory.Exists(folder) && TensorBoardEvents.Scalars(folder).TryGetValue("loss", out var loss) && loss.ContainsKey(step))
                    return true;
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or IOException or Google.Protobuf.InvalidProtocolBufferException)
            {
                // a record half written: look again
            }
            Thread.Sleep(10);
        }
        return false;
    }
}
