def filter_out_mlx4_and_mlx5(interfaces):
    return interfaces
