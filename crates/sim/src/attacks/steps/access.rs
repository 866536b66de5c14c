//! Initial access and lateral movement: console sign-in, EC2 Instance Connect, serial console.

use super::*;

pub(crate) fn console_login_without_mfa(c: &mut Chain<'_>) {
    c.body
        .extra
        .obj()
        .ks("LoginTo", "https://console.aws.amazon.com/console/home")
        .ks("MobileVersion", "No")
        .ks("MFAUsed", "No")
        .end();
    c.body.resp.obj().ks("ConsoleLogin", "Success").end();
    c.set_host("signin.aws.amazon.com");
    c.emit(Call::new(As::Console, Svc::Signin, "ConsoleLogin", false));
}

const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvP3tq9Lx2mQm4Hn0c8T1d2yS7rW5uXbZ0aE6fG3hJk kali@kali";

pub(crate) fn ec2_instance_connect(c: &mut Chain<'_>) {
    let (_, instances) = web_instances(c, 3);
    for id in &instances {
        c.body
            .req
            .obj()
            .ks("instanceId", id)
            .ks("instanceOSUser", "ec2-user")
            .ks("sSHPublicKey", SSH_KEY)
            .end();
        let rid = c.uuid();
        c.body
            .resp
            .obj()
            .ks("requestId", rid.as_str())
            .kb("success", true)
            .end();
        c.emit(Call::new(As::User, Svc::Ec2InstanceConnect, "SendSSHPublicKey", false).after(3));
    }
}

pub(crate) fn ec2_serial_console_send_ssh_public_key(c: &mut Chain<'_>) {
    c.body
        .req
        .obj()
        .ks("GetSerialConsoleAccessStatusRequest", "")
        .end();
    c.emit(Call::new(
        As::User,
        Svc::Ec2,
        "GetSerialConsoleAccessStatus",
        true,
    ));
    c.body
        .req
        .obj()
        .ks("EnableSerialConsoleAccessRequest", "")
        .end();
    let rid = c.uuid();
    c.body
        .resp
        .obj()
        .kobj("EnableSerialConsoleAccessResponse")
        .ks("xmlns", "http://ec2.amazonaws.com/doc/2016-11-15/")
        .ks("requestId", rid.as_str())
        .kb("serialConsoleAccessEnabled", true)
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "EnableSerialConsoleAccess", false).after(3));
    let (_, instances) = web_instances(c, 2);
    for id in &instances {
        c.body
            .req
            .obj()
            .ks("instanceId", id)
            .kb("monitorMode", false)
            .ks("sSHPublicKey", SSH_KEY)
            .ki("serialPort", 0)
            .end();
        let rid = c.uuid();
        c.body
            .resp
            .obj()
            .ks("requestId", rid.as_str())
            .kb("success", true)
            .end();
        c.emit(
            Call::new(
                As::User,
                Svc::Ec2InstanceConnect,
                "SendSerialConsoleSSHPublicKey",
                false,
            )
            .after(5),
        );
    }
}
