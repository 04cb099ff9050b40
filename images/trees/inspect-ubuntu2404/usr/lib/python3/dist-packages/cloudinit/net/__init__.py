def filter_hyperv_vf_with_synthetic_interface(
    filtered_interfaces, interfaces):
    pass
