namespace AddMlp.Gpu.Cli;

/// <summary>Prints the tutorial's progress lines ("Epoch: 1     loss: 1.198e+00"), synchronously, as they come.</summary>
public sealed class EpochLogPrinter(TextWriter writer) : IProgress<EpochLoss>
{
    public void Report(EpochLoss value) =>
        writer.WriteLine(value.ValLoss is double val
            ? $"Epoch: {value.Epoch,-5} loss: {Numbers.Loss(value.Loss)}  val_loss: {Numbers.Loss(val)}"
            : $"Epoch: {value.Epoch,-5} loss: {Numbers.Loss(value.Loss)}");
}
