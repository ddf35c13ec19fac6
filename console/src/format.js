// Times are stored in UTC and shown in China Standard Time (+08:00).
const TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hour12: false,
});
const HOUR = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false,
});

export function when(iso) {
  return iso ? TIME.format(new Date(iso)) : "—";
}

export function hourOf(iso) {
  return HOUR.format(new Date(iso));
}

export function number(value) {
  if (typeof value !== "number") return "—";
  return Number.isInteger(value) ? value.toLocaleString("zh-CN")
    : value.toLocaleString("zh-CN", { maximumFractionDigits: 1 });
}

export const OCCUPATIONS = {
  food_delivery: "外卖骑手", courier: "快递员", truck_driver: "货车司机",
  ride_hailing: "网约车司机", domestic: "家政服务员", other: "其他",
};
