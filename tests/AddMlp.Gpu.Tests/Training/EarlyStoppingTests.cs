namespace AddMlp.Gpu.Tests;

/// <summary>
/// Early stopping: the run stops once val_loss has not improved for the patience, and what it keeps is
/// exactly what the same run gives when it is stopped at its best epoch.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class EarlyStoppingTests
{
    // Noisy labels: val_loss settles and then only wanders, so a small patience runs out.
    private static readonly TrainOptions Noisy = new() { Epochs = 3000, Noise = 0.3, ValFraction = 0.2, EarlyStop = 10 };

    [Fact]
    public void The_run_stops_after_the_patience_and_keeps_the_best_epochs_weights_exactly()
    {
        TrainResult stopped = Trainer.Train(Noisy);

        Assert.Equal(TrainStatus.EarlyStopped, stopped.Status);
        int best = stopped.BestEpoch!.Value;
        Assert.Equal(best + 10, stopped.EpochsRun);
        double[] val = stopped.ValLosses!;
        Assert.Equal(val.Min(), val[best - 1]);
        Assert.Equal(best - 1, Array.IndexOf(val, val.Min())); // the first minimum
        TrainResult untilBest = Trainer.Train(Noisy with { EarlyStop = null, Epochs = best });
        foreach (var (name, tensor) in untilBest.StateDict)
            Assert.Equal(tensor.Values, stopped.StateDict[name].Values);
    }

    [Fact]
    public void A_run_with_early_stopping_resumes_exactly_and_one_that_stopped_early_cannot_be_continued()
    {
        TrainResult whole = Trainer.Train(Noisy);
        int cut = whole.BestEpoch!.Value + 3; // inside the patience: the best weights must come from the file
        string path = Path.Combine(Path.GetTempPath(), $"addmlp-early-{Guid.NewGuid():N}.json");
        try
        {
            ModelFile.Save(path, ModelDocument.From(Trainer.Train(Noisy with { Epochs = cut })));
            TrainResult resumed = Trainer.Train(Noisy, new TrainControl { ResumeFrom = ResumePoint.From(ModelFile.Load(path), path) });

            Assert.Equal(whole.EpochsRun, resumed.EpochsRun);
            Assert.Equal(whole.BestEpoch, resumed.BestEpoch);
            Assert.Equal(whole.ValLosses, resumed.ValLosses);
            foreach (var (name, tensor) in whole.StateDict)
                Assert.Equal(tensor.Values, resumed.StateDict[name].Values);

            ModelFile.Save(path, ModelDocument.From(whole));
            var refused = Assert.Throws<ModelFileException>(() => ResumePoint.From(ModelFile.Load(path), path));
            Assert.Equal(FileProblem.NotResumable, refused.Problem);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
