namespace AddMlp.Gpu;

/// <summary>The nonlinearity between hidden layers (written "relu", "tanh", "gelu").</summary>
public enum Activation
{
    Relu,
    Tanh,
    Gelu,
}
