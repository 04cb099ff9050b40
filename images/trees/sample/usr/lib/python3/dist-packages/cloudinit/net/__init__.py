# sample: no VF filter in this old cloud-init
def is_netfail_master(devname):
    return False
