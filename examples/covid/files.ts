/** Where the COVID system's files are published, under a base such as https://raw.githubusercontent.com (or the fixture's). */
export const COVID_FILES = {
  nyt: '/nytimes/covid-19-data/master/us.csv',
  /** Johns Hopkins CSSE, wide: one row per country/province, one column per date. */
  wide: '/CSSEGISandData/COVID-19/master/csse_covid_19_data/csse_covid_19_time_series/time_series_covid19_recovered_global.csv',
  /** Johns Hopkins via datahub, long: one row per country/province and date (the file the original challenge linked). */
  long: '/datasets/covid-19/main/data/time-series-19-covid-combined.csv',
} as const;
