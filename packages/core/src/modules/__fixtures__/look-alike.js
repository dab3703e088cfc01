// Has the shape of a definition but was not made by defineModule.
export default {
  name: "@fixture/look-alike",
  apiVersion: "^1.0.0",
  roles: ["master"],
  register() {},
};
