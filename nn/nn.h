// The nn library in one include: modules and layers, init, losses, optimizers, metrics and
// checkpoints, on top of the autodiff core (autograd/ops.h: relu, sigmoid, tanh, ... are the
// activations).
#pragma once
#include "autograd/ops.h"
#include "nn/checkpoint.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/gat_conv.h"
#include "nn/gin_conv.h"
#include "nn/graph_conv.h"
#include "nn/init.h"
#include "nn/inner_product_loss.h"
#include "nn/linear.h"
#include "nn/losses.h"
#include "nn/metrics.h"
#include "nn/module.h"
#include "nn/optim.h"
#include "nn/sage_conv.h"
#include "nn/sequential.h"
